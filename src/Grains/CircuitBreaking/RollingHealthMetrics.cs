namespace Silo.Grains.CircuitBreaking;

/// <summary>
/// Successes and failures of one reporter over a sliding sampling window, kept in
/// <see cref="BucketCount"/> buckets like Polly's <c>RollingHealthMetrics</c>. Buckets are numbered from the
/// breaker's origin (bucket = elapsed / bucket length), so every reporter's buckets line up and a slot is
/// reused in place: no allocation after construction.
/// </summary>
/// <remarks>
/// At a time inside bucket <c>c</c> the window holds buckets <c>c − 9 … c</c>: an outcome always drops out
/// once it is older than the sampling duration, and always counts while it is younger than 9/10 of it, the
/// same granularity as Polly's ten windows.
/// </remarks>
internal sealed class RollingHealthMetrics
{
    public const int BucketCount = 10;

    private readonly long[] _bucketIds = [long.MinValue, long.MinValue, long.MinValue, long.MinValue, long.MinValue,
        long.MinValue, long.MinValue, long.MinValue, long.MinValue, long.MinValue];

    private readonly long[] _successes = new long[BucketCount];
    private readonly long[] _failures = new long[BucketCount];

    public void Add(long bucket, long successes, long failures)
    {
        var slot = (int)(bucket % BucketCount);
        if (_bucketIds[slot] != bucket)
        {
            // The slot held a bucket at least one window old: it has rolled out.
            _bucketIds[slot] = bucket;
            _successes[slot] = 0;
            _failures[slot] = 0;
        }

        _successes[slot] += successes;
        _failures[slot] += failures;
    }

    /// <summary>The sums over the window that ends with <paramref name="currentBucket"/>.</summary>
    public (long Successes, long Failures) Sum(long currentBucket)
    {
        long successes = 0;
        long failures = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            var id = _bucketIds[i];
            if (id > currentBucket - BucketCount && id <= currentBucket)
            {
                successes += _successes[i];
                failures += _failures[i];
            }
        }

        return (successes, failures);
    }
}
