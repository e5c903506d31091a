namespace Silo.Api.Demo;

/// <summary>
/// A small downstream built into the embedded default (<c>/_demo/echo/...</c>), so the seeded demo service
/// has something to proxy to. It answers with what it received. Mapped only when demo seeding is on.
/// The leading underscore keeps it out of the service namespace (service ids cannot contain '_').
/// </summary>
internal static class DemoEchoEndpoints
{
    public const string BasePath = "/_demo/echo";

    public static void MapDemoEcho(this IEndpointRouteBuilder app)
    {
        app.Map(BasePath + "/{**path}", async (HttpContext context) =>
        {
            long received = 0;
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                received += read;
            }

            return TypedResults.Json(new
            {
                service = "echo",
                method = context.Request.Method,
                path = context.Request.Path.Value![BasePath.Length..] is { Length: > 0 } rest ? rest : "/",
                query = context.Request.QueryString.Value,
                bodyBytes = received,
                forwardedFor = context.Request.Headers["X-Forwarded-For"].ToString(),
            });
        });
    }
}
