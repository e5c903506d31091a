namespace Silo.Grains.Services;

/// <summary>
/// The HTTP client settings of the calls silos make themselves (health checks, identity providers' key sets):
/// no proxy, no redirects followed, no cookies, a 5 s connect timeout, pooled connections.
/// </summary>
internal static class OutboundHttp
{
    public static HttpMessageInvoker CreateInvoker() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
    });
}
