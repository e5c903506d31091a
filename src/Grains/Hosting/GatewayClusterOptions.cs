using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Silo.Grains.Hosting;

/// <summary>Which cluster a process belongs to (configuration section <c>Cluster</c>).</summary>
public sealed class GatewayClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// The cluster's name: Orleans' <c>ClusterId</c> and <c>ServiceId</c>, so it namespaces the membership table
    /// and every grain state key in Redis. Keep it stable across deployments. The default value is "silo".
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$", ErrorMessage = "Cluster:Id must be 1-63 letters, digits, '.', '_' or '-'.")]
    public string Id { get; set; } = "silo";

    /// <summary>
    /// Redis (<c>host:port[,password=…]</c>, StackExchange.Redis syntax) holding the membership table and grain
    /// state. Unset: the embedded default, one silo in the front end's process with in-memory storage.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// In cluster mode, a front end hosts a silo of its own (and joins the cluster) instead of being a client of
    /// the silos: one network hop fewer per call. The default value is false.
    /// </summary>
    public bool CoHostSilo { get; set; }

    /// <summary>Whether Redis is configured (cluster mode).</summary>
    public bool IsCluster => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>
    /// The section as it stands while a host is being wired (which mode to set up); validated later, with every
    /// other setting, when the host starts.
    /// </summary>
    public static GatewayClusterOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(SectionName).Get<GatewayClusterOptions>() ?? new GatewayClusterOptions();
    }
}
