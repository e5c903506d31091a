using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Silo.Api.Errors;

namespace Silo.Api.Edge;

/// <summary>
/// The first thing every request meets: size limits answered with problem bodies (414, 431, 413), request
/// smuggling shapes refused (400), and the client address taken from <c>X-Forwarded-For</c> only when the
/// peer is a trusted proxy. Kestrel's own limits sit above these as a backstop.
/// </summary>
internal sealed class EdgeMiddleware(RequestDelegate next, IOptions<EdgeOptions> options, TrustedProxies proxies)
{
    private readonly EdgeOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var targetLength = target?.Length ?? (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (targetLength > _options.MaxUrlLength)
        {
            return Problem.For(GatewayError.UrlTooLong).ExecuteAsync(context);
        }

        if (!HeadersFit(request.Headers))
        {
            return Problem.For(GatewayError.HeadersTooLarge).ExecuteAsync(context);
        }

        // A body framed two ways is how requests get smuggled past one hop to the next.
        var headers = request.Headers;
        if (headers.ContentLength is not null || headers.ContainsKey("Content-Length"))
        {
            if (headers.TransferEncoding.Count > 0 || headers["Content-Length"].Count > 1)
            {
                return Problem.For(GatewayError.AmbiguousFraming).ExecuteAsync(context);
            }
        }

        if (request.ContentLength > _options.MaxBodyBytes)
        {
            return Problem.For(GatewayError.PayloadTooLarge).ExecuteAsync(context);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = _options.MaxBodyBytes;
        }

        if (!proxies.IsEmpty)
        {
            ApplyTrustedProxy(context);
        }

        return next(context);
    }

    private bool HeadersFit(IHeaderDictionary headers)
    {
        var count = 0;
        var bytes = 0L;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        return count <= _options.MaxHeaderCount && bytes <= _options.MaxHeaderBytes;
    }

    private void ApplyTrustedProxy(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        var headers = context.Request.Headers;
        if (proxies.ResolveClient(peer, headers["X-Forwarded-For"]) is not { } client)
        {
            return;
        }

        var proto = headers["X-Forwarded-Proto"].ToString();
        var host = headers["X-Forwarded-Host"].ToString();
        context.Features.Set(new ForwardedChain(
            headers["X-Forwarded-For"].ToString() + ", " + Format(peer!),
            proto.Length > 0 ? proto : null,
            host.Length > 0 ? host : null));
        context.Connection.RemoteIpAddress = client;
    }

    /// <summary>Formats an address the way X-Forwarded-For carries it.</summary>
    public static string Format(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
