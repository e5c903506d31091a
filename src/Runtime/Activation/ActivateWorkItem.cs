namespace Silo.Runtime.Activation;

/// <summary>The first turn of every activation.</summary>
internal sealed class ActivateWorkItem : WorkItem
{
    internal override bool IsActivationBound => true;

    internal override ValueTask ExecuteAsync(ActivationData activation) => activation.ActivateAsync();

    internal override void Fail(Exception exception)
    {
    }
}
