namespace Silo.Grains.Telemetry;

/// <summary>
/// The latency histogram of a traffic window: <see cref="Count"/> buckets growing by √2 from 0.1 ms (bucket 0:
/// up to 0.1 ms; the last: everything above about 52 s). Quantiles are read as the upper bound of the bucket they
/// fall in: at most 41 % above the true value.
/// </summary>
public static class LatencyBuckets
{
    public const int Count = 40;

    private const double FirstBoundMilliseconds = 0.1;

    /// <summary>The bucket of a duration.</summary>
    public static int Of(TimeSpan elapsed)
    {
        var milliseconds = elapsed.TotalMilliseconds;
        if (milliseconds <= FirstBoundMilliseconds)
        {
            return 0;
        }

        var bucket = (int)Math.Ceiling(2 * Math.Log2(milliseconds / FirstBoundMilliseconds));
        return Math.Clamp(bucket, 0, Count - 1);
    }

    /// <summary>The upper bound of a bucket, in milliseconds.</summary>
    public static double UpperBoundMilliseconds(int bucket) => FirstBoundMilliseconds * Math.Pow(2, bucket / 2.0);

    /// <summary>
    /// The <paramref name="quantile"/> (0 to 1) of one second's bucket counts, in milliseconds; null when they
    /// hold nothing.
    /// </summary>
    public static double? Quantile(ReadOnlySpan<int> histogram, double quantile)
    {
        long total = 0;
        foreach (var count in histogram)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var bucket = 0; bucket < histogram.Length; bucket++)
        {
            seen += histogram[bucket];
            if (seen >= rank)
            {
                return UpperBoundMilliseconds(bucket);
            }
        }

        return UpperBoundMilliseconds(histogram.Length - 1);
    }
}
