using Microsoft.Extensions.Options;
using Silo.Grains.Idempotency;

namespace Silo.Grains.Tests.Idempotency;

public sealed class RecordedResponseBudgetTests
{
    private static readonly RecordedResponseBudget Budget100K = new(Options.Create(new IdempotencyOptions { MaxTotalBytes = 100_000 }));

    [Fact]
    public void Records_AreDroppedOldestFirst_WhenANewOneDoesNotFit()
    {
        var budget = new RecordedResponseBudget(Options.Create(new IdempotencyOptions { MaxTotalBytes = 100_000 }));
        var first = budget.Hold(Response(40_000))!;
        var second = budget.Hold(Response(40_000))!;
        var third = budget.Hold(Response(40_000))!;

        Assert.Null(first.Response);
        Assert.NotNull(second.Response);
        Assert.NotNull(third.Response);
        Assert.InRange(budget.Bytes, 80_000, 100_000);

        budget.Release(second);
        Assert.Null(second.Response);
        Assert.InRange(budget.Bytes, 40_000, 50_000);

        // Releasing twice, or a dropped record, changes nothing.
        budget.Release(second);
        budget.Release(first);
        Assert.InRange(budget.Bytes, 40_000, 50_000);
    }

    [Fact]
    public void ARecordLargerThanTheWholeBudget_IsNotHeld_AndDropsNothing()
    {
        var kept = Budget100K.Hold(Response(10_000))!;

        Assert.Null(Budget100K.Hold(Response(200_000)));
        Assert.NotNull(kept.Response);
    }

    private static RecordedResponse Response(int bodyBytes) =>
        new(200, [new RecordedHeader("Content-Type", ["application/octet-stream"])], new byte[bodyBytes]);
}
