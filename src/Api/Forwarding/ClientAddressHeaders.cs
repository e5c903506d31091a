namespace Silo.Api.Forwarding;

/// <summary>
/// Headers by which a client could claim another address, URL or host to a downstream that trusts them. The
/// gateway passes them on only from a trusted proxy (<c>Edge:TrustedProxies</c>); from anyone else they are
/// dropped, as client-sent <c>X-Forwarded-*</c> are, and the downstream learns the client's address from the
/// <c>X-Forwarded-*</c> headers the gateway writes itself.
/// </summary>
internal static class ClientAddressHeaders
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "Forwarded",
        "X-Real-IP",
        "True-Client-IP",
        "X-Client-IP",
        "X-Cluster-Client-IP",
        "CF-Connecting-IP",
        "Fastly-Client-IP",
        "X-Original-URL",
        "X-Rewrite-URL",
        "X-Original-Host",
        "X-Host",
    };

    public static bool Contains(string name) => Names.Contains(name);
}
