namespace Silo.Benchmarks;

/// <summary>The baseline: the same methods on a plain object, called directly.</summary>
public sealed class PlainCounter
{
    private int _value;

    public Task<int> AddAsync(int amount)
    {
        _value += amount;
        return Task.FromResult(_value);
    }

    public ValueTask<int> AddFastAsync(int amount)
    {
        _value += amount;
        return new ValueTask<int>(_value);
    }
}
