using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Silo.Api.Errors;

namespace Silo.Api.Edge;

/// <summary>
/// The first thing every request meets: size limits answered with problem bodies (414, 431, 413), request
/// smuggling shapes refused (400), TRACE, TRACK and plain CONNECT refused (405), and the client address taken from <c>X-Forwarded-For</c> only when the
/// peer is a trusted proxy. Kestrel's own limits sit above these as a backstop.
/// </summary>
internal sealed class EdgeMiddleware(RequestDelegate next, IOptions<EdgeOptions> options, TrustedProxies proxies)
{
    /// <summary>The methods the gateway serves or forwards (the <c>Allow</c> header of a 405).</summary>
    public const string AllowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    private readonly EdgeOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;

        // TRACE echoes the request back (headers and all, credentials included) and TRACK is its old twin; a
        // CONNECT would make the gateway an open tunnel to any host (HTTP/2's extended CONNECT, a WebSocket, is
        // not this): the gateway answers none of them and forwards none.
        if (HttpMethods.IsTrace(request.Method) || string.Equals(request.Method, "TRACK", StringComparison.OrdinalIgnoreCase) ||
            (HttpMethods.IsConnect(request.Method) && context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect != true))
        {
            context.Response.Headers.Allow = AllowedMethods;
            return Problem.For(GatewayError.MethodNotAllowed).ExecuteAsync(context);
        }

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

        // A body framed two ways is how requests get smuggled past one hop to the next. Kestrel settles both
        // shapes before this runs: Content-Length twice gets its bare 400, and Content-Length with
        // Transfer-Encoding is read as chunked, Content-Length dropped, and the connection closed after the
        // answer. This check is for servers that pass both headers on.
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

    /// <summary>
    /// A request from a trusted proxy carries a <see cref="ForwardedChain"/> (what the proxy said, to pass on),
    /// and its client address comes from the proxy's <c>X-Forwarded-For</c>.
    /// </summary>
    private void ApplyTrustedProxy(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (!proxies.IsTrusted(peer))
        {
            return;
        }

        var headers = context.Request.Headers;
        var client = proxies.ResolveClient(peer, headers["X-Forwarded-For"]);
        var proto = headers["X-Forwarded-Proto"].ToString();
        var host = headers["X-Forwarded-Host"].ToString();
        context.Features.Set(new ForwardedChain(
            client is null ? Format(peer!) : headers["X-Forwarded-For"].ToString() + ", " + Format(peer!),
            proto.Length > 0 ? proto : null,
            host.Length > 0 ? host : null));
        if (client is not null)
        {
            context.Connection.RemoteIpAddress = client;
        }
    }

    /// <summary>Formats an address the way X-Forwarded-For carries it.</summary>
    public static string Format(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
