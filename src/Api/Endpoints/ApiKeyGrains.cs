using System.Collections.Concurrent;
using Silo.Grains.Keys;

namespace Silo.Api.Endpoints;

/// <summary>
/// References to API key grains, made once per key id. Orleans' <c>GetGrain</c> resolves the grain interface
/// by reflection on every call (measured: about a third of the cost of the grain call itself), so the data
/// plane keeps the references it made. A reference is an immutable handle that any number of requests may
/// share. Bounded: when <see cref="Capacity"/> key ids are held, the cache starts over, so a flood of made-up
/// key ids costs at most that much memory.
/// </summary>
internal sealed class ApiKeyGrains(IGrainFactory grains)
{
    /// <summary>The most references kept (about 100 bytes each). The value is 100,000.</summary>
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, IApiKeyGrain> _references = new(StringComparer.Ordinal);

    public IApiKeyGrain Get(string keyId)
    {
        if (_references.TryGetValue(keyId, out var reference))
        {
            return reference;
        }

        reference = grains.GetGrain<IApiKeyGrain>(keyId);
        if (_references.Count >= Capacity)
        {
            _references.Clear();
        }

        _references.TryAdd(keyId, reference);
        return reference;
    }

    /// <summary>How many references are held (tests).</summary>
    internal int Count => _references.Count;
}
