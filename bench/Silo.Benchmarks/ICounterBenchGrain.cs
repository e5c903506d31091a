namespace Silo.Benchmarks;

[Alias("bench.ICounterBenchGrain")]
public interface ICounterBenchGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task<int> AddAsync(int amount);

    [Alias("AddFast")]
    ValueTask<int> AddFastAsync(int amount);
}
