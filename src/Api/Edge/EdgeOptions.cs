using System.ComponentModel.DataAnnotations;

namespace Silo.Api.Edge;

/// <summary>Limits and trust at the HTTP edge. Configuration section <c>Edge</c>.</summary>
public sealed class EdgeOptions
{
    public const string SectionName = "Edge";

    /// <summary>The longest request target (path and query) accepted; longer gets 414. The default value is 4096.</summary>
    [Range(256, 65_536)]
    public int MaxUrlLength { get; set; } = 4096;

    /// <summary>The most request headers accepted; more gets 431. The default value is 64.</summary>
    [Range(8, 1000)]
    public int MaxHeaderCount { get; set; } = 64;

    /// <summary>The most bytes of request headers (names and values) accepted; more gets 431. The default value is 16 KiB.</summary>
    [Range(1024, 1_048_576)]
    public int MaxHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// The largest request body accepted on any route (proxied bodies stream, so this bounds only what a client
    /// may send, not memory); larger gets 413. Admin and decision bodies have their own 64 KiB bound.
    /// The default value is 128 MiB.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of proxies in front of the gateway whose
    /// <c>X-Forwarded-For</c> is believed. Empty by default: the client is the connection's peer.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];
}
