namespace Silo.Api.Hosting;

/// <summary>
/// Hardening headers on the responses the gateway writes itself (errors, admin, decisions, health). Proxied
/// responses are the downstream's own and pass through untouched: the proxy marks them (<see cref="GatewayRequest.Proxied"/>).
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            if (GatewayRequest.Of(ctx) is not { Proxied: true })
            {
                var headers = ctx.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
