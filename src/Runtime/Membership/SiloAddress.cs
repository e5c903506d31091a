using System.Globalization;

namespace Silo.Runtime.Membership;

/// <summary>
/// A silo's identity: where it listens and when it started (the generation), so a restarted silo on the
/// same endpoint is a different member.
/// </summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    public string Endpoint => $"{Host}:{Port}";

    public static SiloAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.LastIndexOf('@');
        var colon = text.LastIndexOf(':', at < 0 ? text.Length - 1 : at);
        if (at < 0 || colon < 0)
        {
            throw new FormatException($"'{text}' is not a silo address (host:port@generation).");
        }

        return new SiloAddress(
            text[..colon],
            int.Parse(text[(colon + 1)..at], NumberStyles.None, CultureInfo.InvariantCulture),
            long.Parse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}");
}
