using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.TestKit;

namespace Silo.Api.Tests.Caching;

/// <summary>
/// A downstream whose answers carry the caching headers a test asks for in the query (<c>cc</c>: Cache-Control,
/// <c>vary</c>, <c>cookie</c>, <c>expires</c> (seconds from now, or <c>bad</c>), <c>age</c>, <c>status</c>,
/// <c>size</c>, <c>delay</c> in ms, <c>etag</c>: an ETag, answered 304 when the request's If-None-Match has it);
/// the body says how many requests it has had and the request's Accept-Language.
/// </summary>
internal sealed class CachingDownstream : IAsyncDisposable
{
    private LoopbackApp _app = null!;
    private int _requests;
    private int _notModified;

    public string BaseUrl => _app.BaseUrl;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How many requests it answered 304.</summary>
    public int NotModified => Volatile.Read(ref _notModified);

    /// <summary>The ETag answered when a request asks for one (changing it makes the stored copy outdated).</summary>
    public string Version { get; set; } = "v1";

    public static async Task<CachingDownstream> StartAsync()
    {
        var downstream = new CachingDownstream();
        downstream._app = await LoopbackApp.StartAsync(app => app.Map("/{**path}", downstream.AnswerAsync));
        return downstream;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _requests);
        var query = context.Request.Query;
        var response = context.Response;
        if (query["delay"] is { Count: 1 } delay)
        {
            await Task.Delay(int.Parse(delay[0]!, CultureInfo.InvariantCulture));
        }

        response.StatusCode = query["status"] is { Count: 1 } status ? int.Parse(status[0]!, CultureInfo.InvariantCulture) : 200;
        Set(response, "Cache-Control", query["cc"]);
        if (query.ContainsKey("etag"))
        {
            var etag = $"\"{Version}\"";
            response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                Interlocked.Increment(ref _notModified);
                response.StatusCode = 304;
                return;
            }
        }

        Set(response, "Vary", query["vary"]);
        Set(response, "Age", query["age"]);
        if (query.ContainsKey("cookie"))
        {
            response.Headers.SetCookie = "session=abc";
        }

        if (query["expires"] is { Count: 1 } expires)
        {
            response.Headers.Date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
            response.Headers.Expires = expires[0] == "bad"
                ? "0"
                : DateTimeOffset.UtcNow.AddSeconds(int.Parse(expires[0]!, CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture);
        }

        var body = query["size"] is { Count: 1 } size
            ? new string('x', int.Parse(size[0]!, CultureInfo.InvariantCulture))
            : $"n={n};lang={context.Request.Headers.AcceptLanguage}";
        response.ContentLength = body.Length;
        await response.WriteAsync(body);
    }

    private static void Set(HttpResponse response, string name, Microsoft.Extensions.Primitives.StringValues value)
    {
        if (value.Count > 0)
        {
            response.Headers[name] = value;
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
