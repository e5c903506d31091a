namespace Silo.Api.Hosting;

/// <summary>A front end with a silo of its own is ready while that silo is an active member of the cluster.</summary>
internal sealed class CoHostedSiloReadiness(ISiloStatusOracle silo, IClusterMembershipService membership) : IClusterReadiness
{
    public bool IsReady => silo.CurrentStatus == SiloStatus.Active;

    public long Changes => membership.CurrentSnapshot.Version.Value;

    public Task<IReadOnlyList<string>> ActiveSilosAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())
            .Order(StringComparer.Ordinal)]);
}
