using System.Net;
using Microsoft.Extensions.Primitives;

namespace Silo.Api.Edge;

/// <summary>
/// Which peers may tell the gateway who the client is. The client is found by walking
/// <c>X-Forwarded-For</c> from the right past trusted proxies: the first address not trusted is the client
/// (anything to its left was written by the client itself and proves nothing).
/// </summary>
public sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    public TrustedProxies(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            var text = entry.Trim();
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(text, out var address))
            {
                networks.Add(new IPNetwork(Normalize(address), address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"Edge:TrustedProxies: '{entry}' is neither an IP address nor a network (a.b.c.d/n).");
            }
        }

        _networks = [.. networks];
    }

    public bool IsEmpty => _networks.Length == 0;

    public bool IsTrusted(IPAddress? address)
    {
        if (address is null || _networks.Length == 0)
        {
            return false;
        }

        address = Normalize(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The client behind a trusted <paramref name="peer"/>, read from <paramref name="forwardedFor"/>; null when
    /// the peer is not trusted or the header holds no usable address (the peer is then the client).
    /// </summary>
    public IPAddress? ResolveClient(IPAddress? peer, StringValues forwardedFor)
    {
        if (!IsTrusted(peer) || StringValues.IsNullOrEmpty(forwardedFor))
        {
            return null;
        }

        var entries = forwardedFor.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(entries[i], out var address))
            {
                // A malformed hop: trust stops here; the last trusted hop is the best we know.
                return null;
            }

            if (!IsTrusted(address))
            {
                return Normalize(address);
            }
        }

        return null;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
