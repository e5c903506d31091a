using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Silo.Runtime.Activation;

/// <summary>
/// The activations of this silo, by grain id. Creates an activation on the first call, hands each call to
/// the activation's queue, collects idle activations and deactivates everything on shutdown.
/// </summary>
internal sealed partial class Catalog : IDisposable
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly RuntimeContext _context;
    private readonly GrainTypeRegistry _types;
    private readonly ILogger<Catalog> _logger;
    private ITimer? _collector;
    private volatile bool _stopping;

    public Catalog(RuntimeContext context, GrainTypeRegistry types, ILogger<Catalog> logger)
    {
        _context = context;
        _types = types;
        _logger = logger;
        context.Catalog = this;
    }

    public int Count => _activations.Count;

    /// <summary>Starts idle collection.</summary>
    public void Start()
    {
        var quantum = _context.Options.CollectionQuantum;
        _collector = _context.Time.CreateTimer(static s => ((Catalog)s!).CollectIdle(), this, quantum, quantum);
    }

    /// <summary>Routes a turn to the grain's activation, creating it when there is none.</summary>
    public void Dispatch(GrainId grainId, WorkItem item, bool runInline)
    {
        while (true)
        {
            if (!_activations.TryGetValue(grainId, out var activation))
            {
                if (_stopping)
                {
                    item.Fail(new SiloUnavailableException($"The silo is shutting down; {grainId} cannot be activated here."));
                    return;
                }

                if (!_types.TryGetClass(grainId.Type, out var grainClass))
                {
                    item.Fail(new InvalidOperationException($"No grain class is registered for grain type '{grainId.Type}' on this silo."));
                    return;
                }

                activation = _activations.GetOrAdd(grainId, new ActivationData(grainId, grainClass, _context));
            }

            if (activation.Enqueue(item, runInline))
            {
                return;
            }

            // Invalid activations stay in the map only for an instant; help remove this one and retry.
            _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(grainId, activation));
        }
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    /// <summary>Deactivates every activation (OnDeactivateAsync runs for each) and refuses new ones.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _collector?.Dispose();
        var activations = _activations.Values.ToArray();
        Log.DeactivatingAll(_logger, activations.Length);
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(DeactivationReason.ShuttingDown);
        }

        await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deactivates the given activations (used by tests and by ownership changes).</summary>
    public Task DeactivateAsync(GrainId grainId, DeactivationReason reason)
    {
        if (!_activations.TryGetValue(grainId, out var activation))
        {
            return Task.CompletedTask;
        }

        activation.RequestDeactivation(reason);
        return activation.Deactivated;
    }

    /// <summary>Deactivates (and so flushes) every activation whose grain <paramref name="owned"/> says is not ours any more.</summary>
    public int DeactivateNotOwned(Func<GrainId, bool> owned)
    {
        var count = 0;
        foreach (var activation in _activations.Values)
        {
            if (!owned(activation.GrainId))
            {
                activation.RequestDeactivation(DeactivationReason.OwnershipLost);
                count++;
            }
        }

        return count;
    }

    public bool IsActive(GrainId grainId) =>
        _activations.TryGetValue(grainId, out var activation) && activation.State != ActivationState.Invalid;

    public void Dispose() => _collector?.Dispose();

    internal int CollectIdle()
    {
        var now = _context.Time.GetTimestamp();
        var age = _context.Options.CollectionAge;
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.IsIdle(now, age))
            {
                activation.RequestDeactivation(DeactivationReason.Idle);
                collected++;
            }
        }

        if (collected > 0)
        {
            Log.CollectedIdle(_logger, collected);
        }

        return collected;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Deactivating {Count} activations for shutdown")]
        public static partial void DeactivatingAll(ILogger logger, int count);

        [LoggerMessage(EventId = 111, Level = LogLevel.Debug, Message = "Collecting {Count} idle activations")]
        public static partial void CollectedIdle(ILogger logger, int count);
    }
}
