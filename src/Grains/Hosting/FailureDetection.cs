using Orleans.Configuration;

namespace Silo.Grains.Hosting;

/// <summary>
/// Silo's failure-detection defaults, applied to Orleans' <see cref="ClusterMembershipOptions"/> before the
/// section <c>Cluster:Membership</c> is bound over them (so any of them can still be set by name).
/// </summary>
/// <remarks>
/// Orleans' defaults take about 30 s to serve a crashed silo's grains elsewhere and about two minutes for a
/// frozen one. These values were measured on a 2-core machine with three silos, a front end and load
/// (README, "What a failure costs"): a kill -9 is healed in about 2 s, a freeze in about 8 s, and the
/// benchmark's saturated CPU made no silo miss a probe. Three missed probes (not two) are the margin against a
/// starved thread pool. <c>MaxProbeTimeout</c> sets the freeze's cost (Orleans holds back a vote while the
/// suspect sent anything within <c>MaxProbeTimeout</c> × the missed probes: 6 s here): 1 s and 0.75 s served a
/// frozen silo's keys after 5.5 s and 2.8 s, but made the rolling-restart test lose a key's lease handover in
/// 1 of 5 and 1 of 3 runs (never in 4 with 2 s), so they are not the default.
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
