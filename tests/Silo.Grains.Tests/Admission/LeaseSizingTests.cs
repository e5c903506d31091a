using Silo.Grains.Admission;

namespace Silo.Grains.Tests.Admission;

public sealed class LeaseSizingTests
{
    [Fact]
    public void Slice_PlentyOfRoom_IsWhatWasAsked() => Assert.Equal(100, LeaseSizing.Slice(100, 1_000_000, 1, holders: 3));

    [Fact]
    public void Slice_Unlimited_IsWhatWasAsked() => Assert.Equal(5_000, LeaseSizing.Slice(5_000, long.MaxValue, 1, holders: 1));

    [Fact]
    public void Slice_ShrinksToTheHoldersShare_OfAQuarterOfTheRoom()
    {
        // (4001 - 1) / (4 × 10) = 100: the share, which is at least half of the 150 asked.
        Assert.Equal(100, LeaseSizing.Slice(150, 4_001, 1, holders: 10));
    }

    [Fact]
    public void Slice_BelowHalfTheAsk_IsNothing_SoTheKeyIsServedPerRequest()
    {
        // A limit of 50 hit by three busy front ends: (50 - 1) / 12 = 4, far below the 100 asked.
        Assert.Equal(0, LeaseSizing.Slice(100, 50, 1, holders: 3));

        // A 10-per-minute key leases nothing at the rates that ask for leases (20 a second asks 40).
        Assert.Equal(0, LeaseSizing.Slice(40, 10, 1, holders: 1));
    }

    [Fact]
    public void Slice_NoRoomOrTooSmallAnAsk_IsNothing()
    {
        Assert.Equal(0, LeaseSizing.Slice(100, 1, 1, holders: 1));
        Assert.Equal(0, LeaseSizing.Slice(1, 1_000_000, 1, holders: 1));
        Assert.Equal(0, LeaseSizing.Slice(0, 1_000_000, 0, holders: 1));
    }

    [Fact]
    public void Slices_OfEverMoreHolders_ParkAtMostHalfTheRoom()
    {
        long available = 10_000;
        long parked = 0;
        for (var holders = 1; holders <= 500; holders++)
        {
            var slice = LeaseSizing.Slice(100, available, 0, holders);
            available -= slice;
            parked += slice;
        }

        Assert.InRange(parked, 1_000, 10_000 / 2);
    }
}
