using System.Collections.Frozen;
using Silo.Api.Auth;
using Silo.Api.Errors;

namespace Silo.Api.Operations;

/// <summary>
/// The gateway console at <c>/console/</c>: static pages (embedded in this assembly) that call the admin API with
/// the browser session of <see cref="AdminLogin"/>. Without a session a page request goes to the sign-in form
/// and anything else gets 401. The pages may load only their own script and style and talk only to this origin.
/// </summary>
internal static class GatewayConsole
{
    public const string Path = "/console";

    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Files = Load();

    public static void MapGatewayConsole(this IEndpointRouteBuilder app)
    {
        // Routing reads /console and /console/ as one path; the page's relative links need the slash.
        app.MapGet(Path + "/{file?}", (HttpContext context, string? file) =>
                file is null && !context.Request.Path.Value!.EndsWith('/') ? Results.Redirect(Path + "/") : Serve(context, file ?? "index.html"))
            .RequireAuthorization(AdminLogin.Policy)
            .ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Files.TryGetValue(file, out var found))
        {
            return Problem.For(GatewayError.RouteNotFound);
        }

        context.Response.Headers.ContentSecurityPolicy = Policy;
        return Results.Bytes(found.Content, found.ContentType);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(GatewayConsole).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var file = name["console/".Length..];
            files[file] = (buffer.ToArray(), ContentType(file));
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string file) => System.IO.Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
