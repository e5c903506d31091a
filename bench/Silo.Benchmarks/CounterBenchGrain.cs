namespace Silo.Benchmarks;

/// <summary>The grain side of the call benchmark; the same body as <see cref="PlainCounter"/>.</summary>
public sealed class CounterBenchGrain : Grain, ICounterBenchGrain
{
    private readonly PlainCounter _counter = new();

    public Task<int> AddAsync(int amount) => _counter.AddAsync(amount);

    public ValueTask<int> AddFastAsync(int amount) => _counter.AddFastAsync(amount);
}
