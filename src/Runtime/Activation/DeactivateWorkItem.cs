namespace Silo.Runtime.Activation;

/// <summary>The last turn of an activation: runs OnDeactivateAsync, then leaves the catalog.</summary>
internal sealed class DeactivateWorkItem(DeactivationReason reason) : WorkItem
{
    internal override bool IsActivationBound => true;

    internal override ValueTask ExecuteAsync(ActivationData activation) => activation.DeactivateAsync(reason);

    internal override void Fail(Exception exception)
    {
    }
}
