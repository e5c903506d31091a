using Silo.Runtime.Activation;

namespace Silo.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime creates one activation per grain id, runs its calls one
/// turn at a time (so grain code needs no locks), calls <see cref="OnActivateAsync"/> before the first call
/// and <see cref="OnDeactivateAsync"/> before it is collected.
/// </summary>
public abstract class Grain
{
    private ActivationData? _activation;

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => Activation.GrainId;

    /// <summary>Creates references to other grains (grain-to-grain calls are allowed).</summary>
    protected IGrainFactory GrainFactory => Activation.GrainFactory;

    private ActivationData Activation =>
        _activation ?? throw new InvalidOperationException("The grain is not attached to an activation yet; use OnActivateAsync instead of the constructor.");

    /// <summary>The string key of this grain.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>Runs before the first call, after persistent state was read.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the activation is collected; flush state here.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Registers a timer whose callback runs as a turn of this activation (never concurrently with a call).
    /// The next tick is scheduled after the callback completes. Ticks do not keep the activation alive.
    /// Dispose the result to stop it; all timers stop when the activation deactivates.
    /// </summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Activation.RegisterTimer(callback, dueTime, period);
    }

    /// <summary>Deactivates this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivation(DeactivationReason.ApplicationRequested);

    internal void Attach(ActivationData activation) => _activation = activation;
}
