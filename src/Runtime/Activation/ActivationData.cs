using Microsoft.Extensions.Logging;
using Silo.Runtime.Persistence;

namespace Silo.Runtime.Activation;

/// <summary>
/// One activation of one grain: the grain instance, its queue of turns and its lifecycle. Calls run one at
/// a time in arrival order (<see cref="ActivationData"/>'s message pump); activation and deactivation are
/// turns too, so they never overlap a call.
/// </summary>
internal sealed partial class ActivationData
{
    private readonly RuntimeContext _context;
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ActivationState _state = ActivationState.Activating;
    private Grain? _grain;
    private IReadOnlyList<IPersistentStateLoader> _states = [];
    private Exception? _activationFailure;
    private int _deactivationRequested;

    public ActivationData(GrainId grainId, Type grainClass, RuntimeContext context)
    {
        GrainId = grainId;
        GrainClass = grainClass;
        _context = context;
        _lastActivity = context.Time.GetTimestamp();
        // The first turn is always activation; nothing can be queued ahead of it.
        _queue.Enqueue(new ActivateWorkItem());
    }

    public GrainId GrainId { get; }

    public Type GrainClass { get; }

    public IGrainFactory GrainFactory => _context.GrainFactory;

    public ActivationState State => _state;

    /// <summary>The grain instance; only valid inside a turn after activation.</summary>
    public object GrainInstance => _grain!;

    /// <summary>Completes when the activation has left the catalog.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Asks for deactivation after the turns already queued. Idempotent.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        if (_state == ActivationState.Invalid || Interlocked.Exchange(ref _deactivationRequested, 1) != 0)
        {
            return;
        }

        Enqueue(new DeactivateWorkItem(reason), runInline: false);
    }

    /// <summary>True when no turn ran or is queued for at least <paramref name="age"/>.</summary>
    public bool IsIdle(long now, TimeSpan age) =>
        _state == ActivationState.Valid &&
        Volatile.Read(ref _scheduled) == 0 &&
        _queue.IsEmpty &&
        _context.Time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) >= age;

    internal async ValueTask ActivateAsync()
    {
        try
        {
            var (grain, states) = _context.Activator.Create(this);
            _grain = grain;
            _states = states;
            grain.Attach(this);
            using var cts = new CancellationTokenSource(_context.Options.ActivationTimeout, _context.Time);
            foreach (var state in states)
            {
                await state.ReadStateAsync(cts.Token).ConfigureAwait(false);
            }

            await grain.OnActivateAsync(cts.Token).ConfigureAwait(false);
            _state = ActivationState.Valid;
            Log.Activated(_context.Logger, GrainId);
        }
        catch (Exception ex)
        {
            Log.ActivationFailed(_context.Logger, ex, GrainId);
            _activationFailure = ex;
            Invalidate();
        }
    }

    internal async ValueTask DeactivateAsync(DeactivationReason reason)
    {
        if (_state != ActivationState.Valid)
        {
            return;
        }

        _state = ActivationState.Deactivating;
        DisposeTimers();
        try
        {
            using var cts = new CancellationTokenSource(_context.Options.DeactivationTimeout, _context.Time);
            await _grain!.OnDeactivateAsync(reason, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DeactivationFailed(_context.Logger, ex, GrainId, reason);
        }

        Log.Deactivated(_context.Logger, GrainId, reason);
        Invalidate();
    }

    private void Invalidate()
    {
        DisposeTimers();
        _state = ActivationState.Invalid;
        _context.Catalog.Remove(this);
        _deactivated.TrySetResult();
    }

    /// <summary>Hands a turn that can no longer run here to the next activation, or fails it.</summary>
    private void Forward(WorkItem item)
    {
        if (item.IsActivationBound)
        {
            return;
        }

        if (_activationFailure is { } failure)
        {
            item.Fail(new GrainActivationException(GrainId, failure));
            return;
        }

        _context.Catalog.Dispatch(GrainId, item, runInline: false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Activated {GrainId}")]
        public static partial void Activated(ILogger logger, GrainId grainId);

        [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Activation of {GrainId} failed")]
        public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grainId);

        [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Deactivated {GrainId} ({Reason})")]
        public static partial void Deactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

        [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed ({Reason})")]
        public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grainId, DeactivationReason reason);

        [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "A turn of {GrainId} ({WorkItem}) threw")]
        public static partial void TurnFailed(ILogger logger, Exception exception, GrainId grainId, string workItem);

        [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Timer callback of {GrainId} failed")]
        public static partial void TimerFailed(ILogger logger, Exception exception, GrainId grainId);
    }
}
