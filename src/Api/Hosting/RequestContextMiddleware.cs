using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Silo.Grains.Hosting;

namespace Silo.Api.Hosting;

/// <summary>
/// The first step of every request: its <c>X-Request-Id</c> (the client's when it is 1–128 characters of
/// letters, digits and <c>-_.:</c>, else a new one) is set on the response, passed downstream, put in a log
/// scope and in problem bodies; and one log line per request (category <c>Silo.Requests</c>) says method, route
/// template, status, duration, request and trace id, tenant and key id — never a secret: at Information when the
/// answer was not 2xx or was slow (<see cref="TelemetryOptions.SlowRequest"/>), at Debug otherwise.
/// </summary>
internal sealed partial class RequestContextMiddleware(RequestDelegate next, ILoggerFactory loggers, TimeProvider time, IOptions<TelemetryOptions> telemetry)
{
    private readonly TimeSpan _slow = telemetry.Value.SlowRequest;

    public const string HeaderName = "X-Request-Id";
    public const string LoggerCategory = "Silo.Requests";

    private readonly ILogger _logger = loggers.CreateLogger(LoggerCategory);

    public async Task InvokeAsync(HttpContext context)
    {
        var given = context.Request.Headers[HeaderName];
        var requestId = given.Count == 1 && given[0] is { } value && IsValid(value) ? value : NewRequestId();
        var request = new GatewayRequest(requestId);
        context.Features.Set(request);
        context.Response.Headers[HeaderName] = requestId;
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            await next(context);
            return;
        }

        var started = time.GetTimestamp();
        using (_logger.BeginScope(new RequestScope(requestId)))
        {
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "/";
                var status = context.Response.StatusCode;
                var elapsed = time.GetElapsedTime(started);
                LogRequest(
                    _logger,
                    status is >= 200 and < 300 && elapsed < _slow ? LogLevel.Debug : LogLevel.Information,
                    context.Request.Method,
                    route,
                    status,
                    elapsed.TotalMilliseconds,
                    Activity.Current?.TraceId.ToString(),
                    request.TenantId,
                    request.KeyId);
            }
        }
    }

    /// <summary>
    /// A new request id: 32 hex digits, this process's random 64-bit prefix and a count of the ids it made, so
    /// ids are unique across front ends without a random draw per request (a new GUID is a system call, about
    /// 3 % of a front end's CPU under load).
    /// </summary>
    internal static string NewRequestId()
    {
        var count = (ulong)Interlocked.Increment(ref s_issued);
        return string.Create(32, count, static (chars, n) =>
        {
            s_prefix.TryFormat(chars, out _, "x16", CultureInfo.InvariantCulture);
            n.TryFormat(chars[16..], out _, "x16", CultureInfo.InvariantCulture);
        });
    }

    private static readonly ulong s_prefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long s_issued;

    /// <summary>1–128 characters of letters, digits and <c>-_.:</c>: safe to echo, log and forward.</summary>
    public static bool IsValid(string value) => value.Length is > 0 and <= 128 && Shape().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Shape();

    [LoggerMessage(EventId = 100, Message = "{Method} {Route} answered {StatusCode} in {ElapsedMs:0.0} ms (trace {TraceId}, tenant {TenantId}, key {KeyId})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs, string? traceId, string? tenantId, string? keyId);

    /// <summary>The log scope of a request: <c>RequestId</c> on every line logged while it runs.</summary>
    private sealed class RequestScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] => index == 0 ? new("RequestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "RequestId:" + requestId;
    }
}
