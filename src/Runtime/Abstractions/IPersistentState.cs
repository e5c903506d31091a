namespace Silo.Runtime;

/// <summary>
/// A grain's durable state, injected into the grain's constructor through a parameter marked
/// <see cref="PersistentStateAttribute"/>. It is read before <see cref="Grain.OnActivateAsync"/> runs.
/// Writes are conditional on <see cref="Etag"/>; a stale ETag raises <see cref="InconsistentStateException"/>.
/// </summary>
public interface IPersistentState<TState>
    where TState : new()
{
    /// <summary>The current state; a new <typeparamref name="TState"/> when no record exists.</summary>
    TState State { get; set; }

    /// <summary>The ETag of the last read or write; null when no record exists.</summary>
    string? Etag { get; }

    /// <summary>True when storage holds a record for this grain and state name.</summary>
    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
