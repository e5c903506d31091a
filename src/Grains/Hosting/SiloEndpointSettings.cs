using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Silo.Grains.Hosting;

/// <summary>Where a silo listens and what it advertises (configuration section <c>Silo</c>; cluster mode only).</summary>
public sealed class SiloEndpointSettings : IValidatableObject
{
    public const string SectionName = "Silo";

    /// <summary>How far the default gateway port lies above <see cref="Port"/>: 11111 gets Orleans' usual 30000.</summary>
    public const int GatewayPortOffset = 18_889;

    /// <summary>The silo-to-silo TCP port. Required in cluster mode; distinct for each silo on one machine.</summary>
    [Range(1, 65535, ErrorMessage = "Silo:Port must be a TCP port (1-65535).")]
    public int? Port { get; set; }

    /// <summary>
    /// The TCP port clients (front ends) connect to. The default value is <see cref="Port"/> + 18889 (11111 → 30000,
    /// 11112 → 30001), so silos on one machine given distinct <see cref="Port"/>s get distinct gateway ports too.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Silo:GatewayPort must be a TCP port (1-65535).")]
    public int? GatewayPort { get; set; }

    /// <summary>
    /// The IP address other silos and clients reach this silo at (on Kubernetes the pod IP, never a Service IP).
    /// The default value is 127.0.0.1.
    /// </summary>
    [Required]
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>Listen on every address instead of only <see cref="AdvertisedHost"/> (containers). The default value is false.</summary>
    public bool ListenOnAnyAddress { get; set; }

    public int EffectiveGatewayPort => GatewayPort ?? (Port ?? 0) + GatewayPortOffset;

    public IPAddress AdvertisedAddress => IPAddress.Parse(AdvertisedHost);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(AdvertisedHost, out _))
        {
            yield return new ValidationResult($"Silo:AdvertisedHost must be an IP address (got '{AdvertisedHost}').", [nameof(AdvertisedHost)]);
        }

        if (Port is { } port && GatewayPort is null && port + GatewayPortOffset > 65535)
        {
            yield return new ValidationResult($"Silo:Port {port} leaves no default gateway port (Silo:Port + {GatewayPortOffset}); set Silo:GatewayPort.", [nameof(GatewayPort)]);
        }

        if (Port is { } p && EffectiveGatewayPort == p)
        {
            yield return new ValidationResult("Silo:GatewayPort must differ from Silo:Port.", [nameof(GatewayPort)]);
        }
    }
}
