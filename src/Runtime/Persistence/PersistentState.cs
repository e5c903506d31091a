using Silo.Runtime.Activation;
using Silo.Runtime.Serialization;

namespace Silo.Runtime.Persistence;

/// <summary>
/// <see cref="IPersistentState{TState}"/> bound to one activation, one state name and one storage provider.
/// A write that hits a stale ETag asks its activation to deactivate, so the next call reads fresh state.
/// </summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IPersistentStateLoader
    where TState : new()
{
    private readonly string _stateName;
    private readonly ActivationData _activation;
    private readonly IGrainStorage _storage;
    private readonly GrainCodec _codec;

    public PersistentState(string stateName, ActivationData activation, IGrainStorage storage, GrainCodec codec)
    {
        _stateName = stateName;
        _activation = activation;
        _storage = storage;
        _codec = codec;
    }

    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var record = await _storage.ReadAsync(_stateName, _activation.GrainId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            State = new();
            Etag = null;
            RecordExists = false;
            return;
        }

        State = _codec.Deserialize<TState>(record.Data.Span) ?? new();
        Etag = record.Etag;
        RecordExists = true;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var data = _codec.Serialize(State);
        try
        {
            Etag = await _storage.WriteAsync(_stateName, _activation.GrainId, data, Etag, cancellationToken).ConfigureAwait(false);
            RecordExists = true;
        }
        catch (InconsistentStateException)
        {
            _activation.RequestDeactivation(DeactivationReason.InconsistentState);
            throw;
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _storage.ClearAsync(_stateName, _activation.GrainId, Etag, cancellationToken).ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            _activation.RequestDeactivation(DeactivationReason.InconsistentState);
            throw;
        }

        State = new();
        Etag = null;
        RecordExists = false;
    }
}
