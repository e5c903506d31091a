using System.ComponentModel.DataAnnotations;

namespace Silo.Runtime.Cluster;

/// <summary>Timings of membership and failure detection (configuration section <c>Cluster</c>).</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Namespaces every Redis key of the cluster. The default value is "silo".</summary>
    [Required]
    public string Id { get; set; } = "silo";

    /// <summary>Redis endpoint, <c>host:port[,password=…]</c>; null runs the embedded single silo.</summary>
    public string? Redis { get; set; }

    /// <summary>How often the table is read even without a notification. The default value is 1 second.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo records that it is alive. The default value is 1 second.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each silo probes the others. The default value is 1 second.</summary>
    public TimeSpan ProbePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a probe may take before it counts as missed. The default value is 1 second.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive missed probes before a silo votes its peer dead. The default value is 2.</summary>
    [Range(1, 100)]
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>Votes needed to declare a silo dead (fewer when fewer peers are alive). The default value is 2.</summary>
    [Range(1, 100)]
    public int VotesForDeath { get; set; } = 2;

    /// <summary>A silo whose heartbeat is older than this is declared dead by whoever notices. The default value is 6 seconds.</summary>
    public TimeSpan IAmAliveTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// After a silo has marked itself Dead on shutdown, how long it keeps its connections open, answering
    /// "not owner" to callers whose view is a moment behind, before it closes them. The default value is 1 second.
    /// </summary>
    public TimeSpan ShutdownDrain { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Votes older than this no longer count. The default value is 10 seconds.</summary>
    public TimeSpan VoteExpiration { get; set; } = TimeSpan.FromSeconds(10);
}
