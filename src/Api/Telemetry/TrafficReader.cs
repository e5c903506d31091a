using Silo.Api.Contracts;
using Silo.Grains.Telemetry;

namespace Silo.Api.Telemetry;

/// <summary>
/// Reads one subject's traffic from every front end of the cluster (those registered with
/// <see cref="IFrontEndRegistryGrain"/>; this one's own record directly) and adds it up. A front end that does
/// not answer within <see cref="Deadline"/> is left out and counted as such; never a grain call per request.
/// </summary>
internal sealed class TrafficReader(TrafficHistory local, TrafficRegistration registration, IGrainFactory grains)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);

    public async Task<TrafficResponse> ReadAsync(TrafficKind kind, string id, int seconds)
    {
        // Up to the last whole second: the current one is still being counted.
        var first = local.Now - seconds;
        var window = local.Read(kind, id, first, seconds);
        var (answers, asked) = await AskOthersAsync(source => source.ReadAsync(kind, id, first, seconds)).ConfigureAwait(false);
        foreach (var answer in answers)
        {
            window = window.Merge(answer);
        }

        return Respond(kind, window, seconds, asked + 1, answers.Count + 1);
    }

    /// <summary>
    /// Asks every other registered front end at once, each within <see cref="Deadline"/>: the answers of those that
    /// gave one, and how many were asked.
    /// </summary>
    public async Task<(IReadOnlyList<T> Answers, int Asked)> AskOthersAsync<T>(Func<ITrafficSource, Task<T>> ask)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var others = await OtherFrontEndsAsync().ConfigureAwait(false);
        var answers = await Task.WhenAll(others.Select(async other =>
        {
            try
            {
                return (Answered: true, Value: await ask(other).WaitAsync(Deadline).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return (Answered: false, Value: default(T)!);
            }
        })).ConfigureAwait(false);
        return ([.. answers.Where(a => a.Answered).Select(a => a.Value)], others.Count);
    }

    /// <summary>Every other front end registered (none when the registry is out of reach).</summary>
    private async Task<IReadOnlyCollection<ITrafficSource>> OtherFrontEndsAsync()
    {
        try
        {
            var all = await grains.GetGrain<IFrontEndRegistryGrain>(0).ListAsync().WaitAsync(Deadline).ConfigureAwait(false);
            return [.. all.Where(f => f.Key != registration.Id).Select(f => f.Value)];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The registry out of reach: this front end's own record only.
            return [];
        }
    }

    private static TrafficResponse Respond(TrafficKind kind, TrafficWindow w, int seconds, int frontEnds, int answered)
    {
        var from = DateTimeOffset.FromUnixTimeSeconds(w.FirstSecond);
        if (kind != TrafficKind.Service)
        {
            return new(from, seconds, frontEnds, answered, w.Counts, w.Refusals, null, null, null, null, null);
        }

        var p50 = new double?[seconds];
        var p99 = new double?[seconds];
        for (var i = 0; i < seconds; i++)
        {
            var histogram = w.Latency.AsSpan(i * LatencyBuckets.Count, LatencyBuckets.Count);
            p50[i] = LatencyBuckets.Quantile(histogram, 0.5);
            p99[i] = LatencyBuckets.Quantile(histogram, 0.99);
        }

        return new(from, seconds, frontEnds, answered, null, null, w.Counts, w.Refusals, p50, p99, [.. w.Circuit.Select(CircuitCode.Name)]);
    }
}
