using Silo.Runtime.Membership;

namespace Silo.Runtime.Cluster;

/// <summary>A newer membership table version was read.</summary>
public sealed class MembershipChangedEventArgs(MembershipSnapshot snapshot) : EventArgs
{
    public MembershipSnapshot Snapshot { get; } = snapshot;
}
