using Orleans.Configuration;

namespace Silo.Grains.Hosting;

/// <summary>
/// Silo's failure-detection defaults, applied to Orleans' <see cref="ClusterMembershipOptions"/> before the
/// section <c>Cluster:Membership</c> is bound over them (so any of them can still be set by name).
/// </summary>
/// <remarks>
/// Orleans' defaults take about 30 s to serve a crashed silo's grains elsewhere and about two minutes for a
/// frozen one. These values were measured on a 2-core machine with three silos, a front end and load
/// (README, "What a failure costs"): a kill -9 is healed in about 3 s, and a saturated CPU did not make any
/// silo look dead. Three missed probes (not two) are the margin against a starved thread pool.
/// </remarks>
public static class FailureDetection
{
    public const string SectionName = "Cluster:Membership";

    public static void ApplyDefaults(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(2);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
    }
}
