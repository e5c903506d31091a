using System.Runtime.InteropServices;

namespace Silo.Grains.CircuitBreaking;

/// <summary>
/// The rolling outcomes of every reporter (front end) of one service, and the cluster-wide view of them the
/// breaker decides on. Reporters with nothing left in the window are forgotten, so the map stays as small as
/// the set of front ends that sent traffic recently.
/// </summary>
internal sealed class ClusterHealthMetrics(double failureRatio)
{
    private readonly Dictionary<string, RollingHealthMetrics> _reporters = new(StringComparer.Ordinal);

    public void Add(string reporterId, long bucket, long successes, long failures)
    {
        if (successes == 0 && failures == 0)
        {
            return;
        }

        ref var metrics = ref CollectionsMarshal.GetValueRefOrAddDefault(_reporters, reporterId, out _);
        metrics ??= new RollingHealthMetrics();
        metrics.Add(bucket, successes, failures);
    }

    public CircuitHealth Evaluate(long currentBucket)
    {
        long successes = 0;
        long failures = 0;
        var reporters = 0;
        var failing = 0;
        foreach (var (id, metrics) in _reporters)
        {
            var (s, f) = metrics.Sum(currentBucket);
            if (s + f == 0)
            {
                // Removing the current entry while enumerating is allowed since .NET Core 3.0.
                _reporters.Remove(id);
                continue;
            }

            successes += s;
            failures += f;
            reporters++;
            if ((double)f / (s + f) >= failureRatio)
            {
                failing++;
            }
        }

        return new CircuitHealth(successes, failures, reporters, failing);
    }

    public void Reset() => _reporters.Clear();
}
