using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Silo.Api.Leases;
using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Tests.Leases;

/// <summary>What a front end decides alone from a key's lease, with fake time.</summary>
public sealed class KeyLeaseTests
{
    private static readonly byte[] Secret = SHA256.HashData("secret"u8);
    private static readonly byte[] Other = SHA256.HashData("other"u8);
    private static readonly LeaseStamp Stamp = new(Guid.NewGuid(), 42, DateTimeOffset.UnixEpoch);
    private static readonly LimitDecision Decision = new(true, "key", 1_000, 890, 60, 7, 0);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void WithoutALease_NothingIsDecidedHere_AndTheRateIsCounted()
    {
        var lease = new KeyLease(_time.TimestampFrequency);

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(Admit(lease));
        }

        Assert.Equal(5, lease.Rate(_time.GetTimestamp()));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, lease.Rate(_time.GetTimestamp())); // the last whole second
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, lease.Rate(_time.GetTimestamp()));
    }

    [Fact]
    public void ASlice_AdmitsItsTokens_WithTheRemainingCountingWhatIsLeft_ThenNoMore()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var first = lease.Apply(Granted(tokens: 10), _time.GetTimestamp(), lease.Generation, out _);
        Assert.Equal(900, first.Decision.Remaining);

        var admitted = Enumerable.Range(0, 10).Select(_ => Admit(lease)).ToList();

        Assert.All(admitted, a => Assert.Equal(AdmissionStatus.Allowed, a!.Status));
        Assert.Equal(899, admitted[0]!.Decision.Remaining);
        Assert.Equal(890, admitted[^1]!.Decision.Remaining);
        Assert.Null(Admit(lease));
    }

    [Fact]
    public void ASlice_ExpiresCountingFromWhenItsRequestWasSent()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(300)); // the answer took this long
        lease.Apply(Granted(tokens: 10), sentAt, lease.Generation, out _);

        _time.Advance(TimeSpan.FromMilliseconds(699));
        Assert.NotNull(Admit(lease));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(Admit(lease));
    }

    [Fact]
    public void AWrongSecret_IsLeftToTheGrain_AndAGracedOneWorksUntilItsGraceEnds()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var graced = new GracedSecret(Other, _time.GetUtcNow().AddSeconds(1));
        lease.Apply(Granted(tokens: 10, graced: [graced]), _time.GetTimestamp(), lease.Generation, out _);

        Assert.Null(Admit(lease, SHA256.HashData("wrong"u8)));
        Assert.NotNull(Admit(lease, Other));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        lease.Apply(Granted(tokens: 10, graced: [graced]), _time.GetTimestamp(), lease.Generation, out _);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Null(Admit(lease, Other));
        Assert.NotNull(Admit(lease));
    }

    [Fact]
    public void ExpiryAndScopes_AreRefusedHere()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var key = new LeasedKey("t1", Secret, [], _time.GetUtcNow().AddMilliseconds(500), ["orders"]);
        lease.Apply(Granted(tokens: 10) with { Key = key }, _time.GetTimestamp(), lease.Generation, out _);

        Assert.Equal(AdmissionStatus.OutOfScope, Admit(lease, service: "billing")!.Status);
        Assert.Equal(AdmissionStatus.Allowed, Admit(lease, service: "orders")!.Status);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(AdmissionStatus.Expired, Admit(lease, service: "orders")!.Status);
    }

    [Fact]
    public void ARefusal_StandsAsLongAsTheGrainSaid()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var limited = new AdmissionResult(AdmissionStatus.Limited, "t1", new LimitDecision(false, "key", 5, 0, 86_400, 3_600, 3_600), [], AdmissionLevel.Key);
        lease.Apply(
            new AdmissionLease(limited, new LeasedKey("t1", Secret, [], null, []), 0, TimeSpan.Zero, TimeSpan.FromMilliseconds(800), LeaseStamp.None, LeaseStamp.None),
            _time.GetTimestamp(),
            lease.Generation,
            out _);

        Assert.Same(limited, Admit(lease));
        Assert.Null(Admit(lease, Other)); // refused only after the secret matched
        _time.Advance(TimeSpan.FromMilliseconds(800));
        Assert.Null(Admit(lease));
    }

    [Fact]
    public void ARefusal_WhileThisFrontEndHoldsUnits_AdmitsFromThemFirst()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        lease.Apply(Granted(tokens: 2), _time.GetTimestamp(), lease.Generation, out _);
        var limited = new AdmissionResult(AdmissionStatus.Limited, "t1", new LimitDecision(false, "key", 600, 0, 3_600, 60, 60), [], AdmissionLevel.Key);
        lease.Apply(
            new AdmissionLease(limited, new LeasedKey("t1", Secret, [], null, []), 0, TimeSpan.Zero, TimeSpan.FromMilliseconds(800), LeaseStamp.None, LeaseStamp.None),
            _time.GetTimestamp(),
            lease.Generation,
            out _);

        // The grain refused because the rest of the limit is parked here: those units are admitted, then the refusal.
        Assert.True(Admit(lease)!.IsAllowed);
        Assert.True(Admit(lease)!.IsAllowed);
        Assert.Same(limited, Admit(lease));
    }

    [Fact]
    public void End_DropsEverything_GivesBackWhatWasNotUsed_AndAnAnswerSentBeforeItIsNotKept()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var before = lease.Generation;
        lease.Apply(Granted(tokens: 10), _time.GetTimestamp(), before, out _);
        Assert.NotNull(Admit(lease));
        Assert.NotNull(Admit(lease));

        Assert.Equal(8, Assert.Single(lease.End()).Tokens);

        Assert.Null(Admit(lease));
        var late = lease.Apply(Granted(tokens: 10), _time.GetTimestamp(), before, out _);
        Assert.True(late.IsAllowed); // the request it came with was admitted before the change
        Assert.Null(Admit(lease));
        Assert.Empty(lease.TakeUnused(_time.GetTimestamp() + _time.TimestampFrequency, all: true));
    }

    [Fact]
    public void GiveBack_TakesOutTheUnusedUnits_KeepsTheKey_AndAGrantAskedForBeforeItGoesBackToo()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var askedBefore = _time.GetTimestamp();
        lease.Apply(Granted(tokens: 10), askedBefore, lease.Generation, out var kept);
        Assert.Null(kept);
        Assert.NotNull(Admit(lease));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(9, Assert.Single(lease.GiveBack(_time.GetTimestamp())).Tokens);

        Assert.Null(Admit(lease)); // nothing left here: the grain is asked
        var late = lease.Apply(Granted(tokens: 10), askedBefore, lease.Generation, out var givenBack);
        Assert.True(late.IsAllowed); // its own request stands
        Assert.Equal(10, givenBack!.Tokens);
        Assert.Null(Admit(lease));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        lease.Apply(Granted(tokens: 10), _time.GetTimestamp(), lease.Generation, out var after);
        Assert.Null(after); // asked for after the give-back: kept, with the key's view still there
        Assert.True(Admit(lease)!.IsAllowed);
    }

    [Fact]
    public void AGrantAnsweringAnEndedLease_StandsForItsRequest_AndItsSliceGoesBack()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        var sentAt = _time.GetTimestamp();
        var generation = lease.Generation;
        lease.TakeUnused(sentAt, all: true); // the lease ended (the key changed) while the request travelled

        var answered = lease.Apply(Granted(tokens: 10), sentAt, generation, out var givenBack);
        Assert.True(answered.IsAllowed);
        Assert.Equal(10, givenBack!.Tokens);
        Assert.Null(Admit(lease)); // nothing kept here
    }

    [Fact]
    public void TakeUnused_GivesBackWhatExpiredUnused_OrEverythingOnStop()
    {
        var lease = new KeyLease(_time.TimestampFrequency);
        lease.Apply(Granted(tokens: 10), _time.GetTimestamp(), lease.Generation, out _);
        Admit(lease);
        Admit(lease);
        Assert.Empty(lease.TakeUnused(_time.GetTimestamp(), all: false));

        _time.Advance(TimeSpan.FromSeconds(1));
        var unused = Assert.Single(lease.TakeUnused(_time.GetTimestamp(), all: false));
        Assert.Equal(new LeaseReturn(8, Stamp, Stamp), unused);

        lease.Apply(Granted(tokens: 10), _time.GetTimestamp(), lease.Generation, out _);
        Assert.Equal(10, Assert.Single(lease.TakeUnused(_time.GetTimestamp(), all: true)).Tokens);
        Assert.Null(Admit(lease));
    }

    private AdmissionResult? Admit(KeyLease lease, byte[]? secret = null, string? service = null) =>
        lease.TryAdmit(secret ?? Secret, 1, service, _time.GetTimestamp(), _time.GetUtcNow());

    private static AdmissionLease Granted(long tokens, IReadOnlyList<GracedSecret>? graced = null) =>
        new(
            new AdmissionResult(AdmissionStatus.Allowed, "t1", Decision, [new LimitPolicy("key", 1_000, 60)]),
            new LeasedKey("t1", Secret, graced ?? [], null, []),
            tokens,
            TimeSpan.FromSeconds(1),
            TimeSpan.Zero,
            Stamp,
            Stamp);
}
