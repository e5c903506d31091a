namespace Silo.Runtime.Membership;

/// <summary>The whole table at one version.</summary>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<MembershipEntry> Entries)
{
    public static MembershipSnapshot Empty { get; } = new(0, []);

    public MembershipEntry? Find(string silo) => Entries.FirstOrDefault(e => string.Equals(e.Silo, silo, StringComparison.Ordinal));
}
