namespace Silo.Api.Routing;

/// <summary>First path segments that belong to the gateway itself and can never name a service.</summary>
public static class ReservedPaths
{
    private static readonly HashSet<string> Segments = new(StringComparer.OrdinalIgnoreCase)
    {
        "admin", "v1", "health", "metrics", "dashboard", "swagger", "openapi", "login", "logout", "console",
    };

    public static bool IsReserved(string segment) => Segments.Contains(segment);

    public static IReadOnlyCollection<string> All => Segments;
}
