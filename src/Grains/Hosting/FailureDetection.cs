using Orleans.Configuration;

namespace Silo.Grains.Hosting;

/// <summary>
/// Silo's failure-detection defaults, applied to Orleans' <see cref="ClusterMembershipOptions"/> before the
/// section <c>Cluster:Membership</c> is bound over them (so any of them can still be set by name).
/// </summary>
/// <remarks>
/// Orleans' defaults take about 30 s to serve a crashed silo's grains elsewhere and about two minutes for a
/// frozen one. These values were measured on a 2-core machine with three silos, a front end and load
/// (README, "What a failure costs"): a kill -9 is healed in about 2 s, a freeze in about 3 s (2.6 to 3.2 s in
/// eight runs), and the benchmark's saturated CPU made no silo miss a probe. Two missed probes (the second an
/// indirect one, through another silo) declare a suspect: with three, one freeze in five took 5.2–5.8 s (a
/// probe cycle more before the votes, and a longer hold-back). <c>MaxProbeTimeout</c> sets the freeze's cost:
/// Orleans holds back a vote while the suspect sent anything within <c>MaxProbeTimeout</c> × the missed probes
/// (1.5 s here; with 2 s and three probes, 6 s, and a freeze cost about 8.4 s). <c>ProbeTimeout</c> may not
/// exceed it. An earlier trial blamed these
/// values for lost lease handovers in rolling restarts; the cause was lease returns sent one-way, which a
/// stopping silo drops, at any probe timing (6 of 6 rolling restarts exact with 0.75 s after that fix).
/// </remarks>
public static class FailureDetection
{
    public const string SectionName = "Cluster:Membership";

    public static void ApplyDefaults(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = TimeSpan.FromMilliseconds(750);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 2;
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.MaxProbeTimeout = TimeSpan.FromMilliseconds(750);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
    }
}
