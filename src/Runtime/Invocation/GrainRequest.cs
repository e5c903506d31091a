using Silo.Runtime.Activation;
using Silo.Runtime.Serialization;

namespace Silo.Runtime;

/// <summary>
/// One call to a grain method: the arguments (as fields of a generated subclass), the code that invokes the
/// method on the grain, and the completion the caller awaits. It is also the work item the activation queues,
/// so a call allocates no separate message.
/// </summary>
public abstract class GrainRequest : WorkItem
{
    private const int Pending = 0;
    private const int Completed = 1;

    private int _completion;
    private CancellationTokenRegistration _cancellationRegistration;

    /// <summary>The full name of the grain interface that declares the method.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>The method name, for diagnostics.</summary>
    public abstract string MethodName { get; }

    /// <summary>The method's index in its generated interface; stable within a build.</summary>
    public abstract int MethodId { get; }

    /// <summary>The caller's cancellation token, when the method takes one.</summary>
    public virtual CancellationToken CancellationToken => default;

    /// <summary>True once a result, an exception, a cancellation or a timeout completed the call.</summary>
    public bool IsCompleted => Volatile.Read(ref _completion) == Completed;

    /// <summary>Set by the runtime while a timeout is armed for this call.</summary>
    internal long TimeoutTimestamp { get; set; }

    internal CallTimeoutMonitor? TimeoutMonitor { get; set; }

    /// <summary>Invoked once, after the call completed (used by transports to send the response).</summary>
    internal Action<GrainRequest>? CompletionCallback { get; set; }

    public abstract void WriteArguments(GrainArgumentWriter writer);

    public abstract void ReadArguments(GrainArgumentReader reader);

    /// <summary>Completes the call with an exception (the caller's await rethrows it).</summary>
    public abstract bool TrySetException(Exception exception);

    /// <summary>Completes the call as cancelled.</summary>
    public bool TrySetCanceled() => TrySetException(new OperationCanceledException(CancellationToken));

    /// <summary>Serializes the completed outcome (value or exception) for a remote caller or a copying call.</summary>
    internal abstract GrainResponse CaptureResponse(GrainCodec codec);

    /// <summary>Completes this request from a response produced by another copy of it.</summary>
    internal abstract void CompleteFrom(GrainResponse response, GrainCodec codec);

    internal void ArmCancellation()
    {
        var token = CancellationToken;
        if (token.CanBeCanceled)
        {
            _cancellationRegistration = token.UnsafeRegister(static state => ((GrainRequest)state!).TrySetCanceled(), this);
        }
    }

    /// <summary>Claims the one completion; only the winner may set the result.</summary>
    private protected bool TryBeginCompletion() => Interlocked.Exchange(ref _completion, Completed) == Pending;

    private protected void OnCompleted()
    {
        _cancellationRegistration.Dispose();
        TimeoutMonitor?.Remove(this);
        CompletionCallback?.Invoke(this);
    }

    internal override string Describe() => $"{InterfaceName}.{MethodName}";
}
