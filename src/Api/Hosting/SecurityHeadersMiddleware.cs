namespace Silo.Api.Hosting;

/// <summary>
/// Hardening headers on the responses the gateway writes itself (errors, admin, decisions, health). Proxied
/// responses are the downstream's own and pass through untouched: the proxy marks them.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>Set in <see cref="HttpContext.Items"/> by the proxy once a downstream response starts.</summary>
    public const string ProxiedKey = "silo.proxied";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            if (!ctx.Items.ContainsKey(ProxiedKey))
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
