namespace Silo.Runtime.Activation;

/// <summary>Something an activation runs as one turn: a call, a timer tick, activation or deactivation.</summary>
public abstract class WorkItem
{
    private protected WorkItem()
    {
    }

    /// <summary>Runs the turn. Never throws: failures complete the item.</summary>
    internal abstract ValueTask ExecuteAsync(ActivationData activation);

    /// <summary>Completes the item without running it (the activation failed or was shut down).</summary>
    internal abstract void Fail(Exception exception);

    /// <summary>True for items that belong to one activation and are dropped, not forwarded, when it is gone.</summary>
    internal virtual bool IsActivationBound => false;

    internal virtual string Describe() => GetType().Name;
}
