using System.Text;

namespace Silo.Runtime.Placement;

/// <summary>
/// A 64-bit hash that is the same in every process and on every machine (unlike
/// <see cref="string.GetHashCode()"/>, which is randomized per process): FNV-1a over the UTF-8 bytes,
/// then the SplitMix64 finalizer to spread FNV's weak low bits.
/// </summary>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> buffer = text.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, buffer);
        var hash = FnvOffset;
        foreach (var b in buffer[..length])
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return Mix(hash);
    }

    /// <summary>The hash of a grain id: its type and key, separated so ("ab","c") and ("a","bc") differ.</summary>
    public static ulong Compute(GrainId grainId) => Compute(grainId.Type + "\u0000" + grainId.Key);

    /// <summary>SplitMix64's finalizer: a bijective mix of all 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
