using Orleans.Configuration;

namespace Silo.Grains.Hosting;

/// <summary>
/// Silo's failure-detection defaults, applied to Orleans' <see cref="ClusterMembershipOptions"/> before the
/// section <c>Cluster:Membership</c> is bound over them (so any of them can still be set by name).
/// </summary>
/// <remarks>
/// Orleans' defaults take about 30 s to serve a crashed silo's grains elsewhere and about two minutes for a
/// frozen one. These values were measured on a 2-core machine with three silos, a front end and load
/// (README, "What a failure costs"): a kill -9 is healed in about 3 s, a frozen silo's keys are served
/// elsewhere after about 3 s, and the benchmark's saturated CPU made no silo miss a probe. Three missed probes
/// (not two) are the margin against a starved thread pool. <c>MaxProbeTimeout</c> matters most for a freeze:
/// Orleans holds back a vote while the suspect sent anything within <c>MaxProbeTimeout</c> × the missed
/// probes (2.25 s here; 6 s with the 2 s used before, which took 8.4 s to serve a frozen silo's keys).
/// </remarks>
public static class FailureDetection
{
    public const string SectionName = "Cluster:Membership";

    public static void ApplyDefaults(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = TimeSpan.FromMilliseconds(750);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.MaxProbeTimeout = TimeSpan.FromMilliseconds(750);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
    }
}
