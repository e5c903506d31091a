namespace Silo.Runtime;

/// <summary>
/// A storage write or clear carried an ETag that no longer matches the stored record: another activation
/// (or process) wrote it since this one read it. The activation that hits it deactivates itself, so the
/// next call reads the current state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message)
        : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The ETag found in storage, if known.</summary>
    public string? StoredEtag { get; }

    /// <summary>The ETag the writer held.</summary>
    public string? CurrentEtag { get; }
}
