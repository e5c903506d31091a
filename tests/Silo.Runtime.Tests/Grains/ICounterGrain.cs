namespace Silo.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds after yielding, so concurrent calls would interleave if turns overlapped.</summary>
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();

    Task SaveAsync();

    ValueTask<int> GetFastAsync();

    Task FailAsync(string message);

    Task HangAsync();

    Task<bool> WaitForCancellationAsync(CancellationToken cancellationToken);

    Task<CounterSnapshot> SnapshotAsync(CounterQuery query);

    Task<int> AddThroughAsync(string otherKey, int amount);
}

public enum CounterKind
{
    Plain,
    Durable,
}

public sealed record CounterQuery(string Label, IReadOnlyList<int> Weights, CounterKind Kind, int? Limit, DateTimeOffset At);

public sealed record CounterSnapshot(string Label, int Total, IReadOnlyList<int> Weights, CounterKind Kind, int? Limit, DateTimeOffset At, Dictionary<string, int> Extra);
