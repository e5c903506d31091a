using Silo.Runtime.Membership;

namespace Silo.Runtime.Placement;

/// <summary>
/// Rendezvous (highest random weight) hashing: a grain is owned by the active silo with the highest
/// <c>Mix(grainHash ⊕ siloHash)</c>. Every silo and client that holds the same set of active silos picks
/// the same owner with no coordination. A join takes about 1/N of the grains (those the new silo now
/// scores highest on); a removal moves only the removed silo's grains.
/// </summary>
public sealed class RendezvousPlacement
{
    private readonly SiloAddress[] _silos;
    private readonly ulong[] _siloHashes;

    public RendezvousPlacement(long version, IEnumerable<SiloAddress> activeSilos)
    {
        ArgumentNullException.ThrowIfNull(activeSilos);
        Version = version;
        // Sorted, so ties (astronomically unlikely) break the same way everywhere.
        _silos = [.. activeSilos.OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        _siloHashes = [.. _silos.Select(s => StableHash.Compute(s.ToString()))];
    }

    public static RendezvousPlacement Empty { get; } = new(0, []);

    /// <summary>The membership version this placement was computed from.</summary>
    public long Version { get; }

    public IReadOnlyList<SiloAddress> Silos => _silos;

    /// <summary>The owner of <paramref name="grainId"/>, or null when no silo is active.</summary>
    public SiloAddress? Owner(GrainId grainId) => Owner(StableHash.Compute(grainId));

    public SiloAddress? Owner(ulong grainHash)
    {
        SiloAddress? best = null;
        var bestScore = 0UL;
        for (var i = 0; i < _silos.Length; i++)
        {
            var score = StableHash.Mix(grainHash ^ _siloHashes[i]);
            if (best is null || score > bestScore)
            {
                best = _silos[i];
                bestScore = score;
            }
        }

        return best;
    }

    public static RendezvousPlacement From(MembershipSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new RendezvousPlacement(snapshot.Version, snapshot.Entries.Where(e => e.Status == SiloStatus.Active).Select(e => e.Address));
    }
}
