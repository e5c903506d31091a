namespace Silo.Runtime;

/// <summary>The identity of a grain: its type name and its string key.</summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    private readonly int _hashCode;

    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        // Cached because a grain id is hashed on every call (catalog lookup). This in-process hash is
        // randomized per process and must never be used for placement.
        _hashCode = HashCode.Combine(StringComparer.Ordinal.GetHashCode(type), StringComparer.Ordinal.GetHashCode(key));
    }

    /// <summary>The grain type name, e.g. <c>apikey</c>.</summary>
    public string Type { get; }

    /// <summary>The grain's key within its type.</summary>
    public string Key { get; }

    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);

    public bool Equals(GrainId other) =>
        _hashCode == other._hashCode && string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    public override int GetHashCode() => _hashCode;

    public override string ToString() => $"{Type}/{Key}";
}
