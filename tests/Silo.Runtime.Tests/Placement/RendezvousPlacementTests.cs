using Silo.Runtime.Membership;
using Silo.Runtime.Placement;

namespace Silo.Runtime.Tests.Placement;

public sealed class RendezvousPlacementTests
{
    private static readonly GrainId[] Grains = [.. Enumerable.Range(0, 10_000).Select(i => new GrainId("apikey", $"key-{i}"))];

    private static SiloAddress Silo(int i) => new("10.0.0." + i, 11111, 1);

    [Fact]
    public void StableHash_IsFixed_AcrossProcessesAndRuns()
    {
        // Pinned values: a change here would move every grain of a running cluster during a rolling upgrade.
        // (Computed independently: FNV-1a 64 of the UTF-8 bytes, then SplitMix64's finalizer.)
        Assert.Equal(0x74209A81CE1F0F9FUL, StableHash.Compute("silo"));
        Assert.Equal(0x56DF3B0DD2A04064UL, StableHash.Compute(new GrainId("apikey", "k1")));
        Assert.NotEqual(StableHash.Compute(new GrainId("ab", "c")), StableHash.Compute(new GrainId("a", "bc")));
    }

    [Fact]
    public void SameSilos_InAnyOrder_PickTheSameOwners()
    {
        var a = new RendezvousPlacement(1, [Silo(1), Silo(2), Silo(3)]);
        var b = new RendezvousPlacement(1, [Silo(3), Silo(1), Silo(2)]);

        Assert.All(Grains, g => Assert.Equal(a.Owner(g), b.Owner(g)));
    }

    [Fact]
    public void Grains_SpreadEvenly()
    {
        var placement = new RendezvousPlacement(1, [Silo(1), Silo(2), Silo(3)]);

        var counts = Grains.GroupBy(g => placement.Owner(g)!).Select(g => g.Count()).ToArray();

        Assert.Equal(3, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, 3000, 3700));
    }

    [Fact]
    public void Join_MovesAboutOneNth_AllToTheNewSilo()
    {
        var before = new RendezvousPlacement(1, [Silo(1), Silo(2), Silo(3)]);
        var after = new RendezvousPlacement(2, [Silo(1), Silo(2), Silo(3), Silo(4)]);

        var moved = Grains.Where(g => before.Owner(g) != after.Owner(g)).ToArray();

        Assert.InRange(moved.Length, 2200, 2800);
        Assert.All(moved, g => Assert.Equal(Silo(4), after.Owner(g)));
    }

    [Fact]
    public void Removal_MovesOnlyTheRemovedSilosGrains()
    {
        var before = new RendezvousPlacement(1, [Silo(1), Silo(2), Silo(3)]);
        var after = new RendezvousPlacement(2, [Silo(1), Silo(3)]);

        var moved = Grains.Where(g => before.Owner(g) != after.Owner(g)).ToArray();

        Assert.All(moved, g => Assert.Equal(Silo(2), before.Owner(g)));
        Assert.Equal(Grains.Count(g => before.Owner(g) == Silo(2)), moved.Length);
    }

    [Fact]
    public void OnlyActiveSilos_OwnGrains()
    {
        var start = DateTimeOffset.UnixEpoch;
        var snapshot = new MembershipSnapshot(5,
        [
            new MembershipEntry(Silo(1).ToString(), SiloStatus.Active, start, start, []),
            new MembershipEntry(Silo(2).ToString(), SiloStatus.ShuttingDown, start, start, []),
            new MembershipEntry(Silo(3).ToString(), SiloStatus.Dead, start, start, []),
            new MembershipEntry(Silo(4).ToString(), SiloStatus.Joining, start, start, []),
        ]);

        var placement = RendezvousPlacement.From(snapshot);

        Assert.Equal([Silo(1)], placement.Silos);
        Assert.Equal(5, placement.Version);
        Assert.Null(RendezvousPlacement.Empty.Owner(Grains[0]));
    }
}
