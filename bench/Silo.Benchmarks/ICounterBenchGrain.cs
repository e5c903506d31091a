using Silo.Runtime;

namespace Silo.Benchmarks;

public interface ICounterBenchGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);

    ValueTask<int> AddFastAsync(int amount);
}
