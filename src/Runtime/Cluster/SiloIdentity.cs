using Silo.Runtime.Membership;

namespace Silo.Runtime.Cluster;

/// <summary>This process's silo address (registered only in silos, not in clients).</summary>
public sealed record SiloIdentity(SiloAddress Address);
