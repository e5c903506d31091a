namespace Silo.Bench.OrleansFloor;

/// <summary>One token bucket: <see cref="BucketGrain.Limit"/> tokens refilled over 60 s.</summary>
public interface IBucketGrain : IGrainWithStringKey
{
    /// <summary>Takes <paramref name="cost"/> tokens; the tokens left, or -1 when there were too few.</summary>
    Task<long> TryTakeAsync(long cost);
}

public sealed class BucketGrain(TimeProvider time) : Grain, IBucketGrain
{
    public const long Limit = 1_000_000_000;
    private static readonly double PerTick = Limit / (double)TimeSpan.FromSeconds(60).Ticks;

    private double _tokens = Limit;
    private long _last = time.GetTimestamp();

    public Task<long> TryTakeAsync(long cost)
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(Limit, _tokens + (time.GetElapsedTime(_last, now).Ticks * PerTick));
        _last = now;
        if (_tokens < cost)
        {
            return Task.FromResult(-1L);
        }

        _tokens -= cost;
        return Task.FromResult((long)_tokens);
    }
}

/// <summary>The same answer shape as Silo's <c>POST /v1/check</c>.</summary>
internal sealed record CheckResponse(bool Allowed, long Limit, long Remaining, int ResetSeconds);
