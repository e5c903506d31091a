using System.Threading.Tasks.Sources;
using Silo.Runtime.Activation;
using Silo.Runtime.Serialization;

namespace Silo.Runtime;

/// <summary>A grain call whose method produces <typeparamref name="TResult"/> (or <see cref="VoidResult"/>).</summary>
public abstract class GrainRequest<TResult> : GrainRequest, IValueTaskSource<TResult>, IValueTaskSource
{
    // Continuations run asynchronously so a caller never continues inside the callee's turn.
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Calls the method on the grain instance.</summary>
    protected abstract ValueTask<TResult> InvokeCore(object grain);

    public bool TrySetResult(TResult result)
    {
        if (!TryBeginCompletion())
        {
            return false;
        }

        _core.SetResult(result);
        OnCompleted();
        return true;
    }

    public override bool TrySetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!TryBeginCompletion())
        {
            return false;
        }

        _core.SetException(exception);
        OnCompleted();
        return true;
    }

    internal ValueTask<TResult> AsValueTask() => new(this, _core.Version);

    internal ValueTask AsVoidValueTask() => new(this, _core.Version);

    internal override ValueTask ExecuteAsync(ActivationData activation)
    {
        // A call cancelled or timed out while queued is not run at all.
        if (IsCompleted)
        {
            return default;
        }

        ValueTask<TResult> pending;
        try
        {
            pending = InvokeCore(activation.GrainInstance);
        }
        catch (Exception ex)
        {
            TrySetException(ex);
            return default;
        }

        if (pending.IsCompletedSuccessfully)
        {
            TrySetResult(pending.Result);
            return default;
        }

        // The turn lasts until the method's task completes, even when the caller already gave up.
        return AwaitResultAsync(pending);
    }

    internal override void Fail(Exception exception) => TrySetException(exception);

    internal override GrainResponse CaptureResponse(GrainCodec codec)
    {
        var status = _core.GetStatus(_core.Version);
        if (status == ValueTaskSourceStatus.Succeeded)
        {
            return GrainResponse.FromValue(codec.Serialize(_core.GetResult(_core.Version)));
        }

        try
        {
            _core.GetResult(_core.Version);
            throw new InvalidOperationException("The request has not completed.");
        }
        catch (Exception ex)
        {
            return GrainResponse.FromException(ex);
        }
    }

    internal override void CompleteFrom(GrainResponse response, GrainCodec codec)
    {
        if (response.Exception is { } exception)
        {
            TrySetException(exception);
        }
        else
        {
            TrySetResult(codec.Deserialize<TResult>(response.Value.Span)!);
        }
    }

    /// <summary>Adapts a <see cref="Task"/>-returning method.</summary>
    protected static ValueTask<VoidResult> FromTask(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.IsCompletedSuccessfully ? default : AwaitVoidAsync(task);

        static async ValueTask<VoidResult> AwaitVoidAsync(Task task)
        {
            await task.ConfigureAwait(false);
            return default;
        }
    }

    /// <summary>Adapts a <see cref="ValueTask"/>-returning method.</summary>
    protected static ValueTask<VoidResult> FromValueTask(ValueTask task)
    {
        return task.IsCompletedSuccessfully ? default : AwaitVoidAsync(task);

        static async ValueTask<VoidResult> AwaitVoidAsync(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return default;
        }
    }

    private async ValueTask AwaitResultAsync(ValueTask<TResult> pending)
    {
        try
        {
            TrySetResult(await pending.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            TrySetException(ex);
        }
    }

    TResult IValueTaskSource<TResult>.GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<TResult>.GetStatus(short token) => _core.GetStatus(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<TResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
