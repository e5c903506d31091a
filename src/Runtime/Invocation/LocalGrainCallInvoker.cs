using Microsoft.Extensions.Options;
using Silo.Runtime.Activation;
using Silo.Runtime.Hosting;
using Silo.Runtime.Serialization;

namespace Silo.Runtime;

/// <summary>
/// Delivers calls to activations in this silo. A call to an idle activation runs inline on the caller's
/// thread; a call that does not complete at once gets its timeout armed and its cancellation registered.
/// </summary>
internal sealed class LocalGrainCallInvoker(Catalog catalog, CallTimeoutMonitor timeouts, GrainCodec codec, IOptions<SiloRuntimeOptions> options)
    : IGrainCallInvoker
{
    private readonly bool _serializeLocalCalls = options.Value.SerializeLocalCalls;

    public void Send(GrainId target, GrainRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CancellationToken.IsCancellationRequested)
        {
            request.TrySetCanceled();
            return;
        }

        if (_serializeLocalCalls)
        {
            SendCopy(target, request);
            return;
        }

        request.ArmCancellation();
        catalog.Dispatch(target, request, runInline: true);
        if (!request.IsCompleted)
        {
            timeouts.Track(request);
        }
    }

    /// <summary>
    /// Runs the call on a copy decoded from the serialized arguments and completes the original from the
    /// serialized result: exactly what a call to another silo does, minus the socket.
    /// </summary>
    private void SendCopy(GrainId target, GrainRequest request)
    {
        if (!GrainInterfaceRegistry.TryGet(request.InterfaceName, out var info))
        {
            request.TrySetException(new InvalidOperationException($"Unknown grain interface '{request.InterfaceName}'."));
            return;
        }

        GrainRequest copy;
        try
        {
            copy = info.CreateRequest(request.MethodId);
            codec.DeserializeArguments(copy, codec.SerializeArguments(request));
        }
        catch (Exception ex)
        {
            request.TrySetException(ex);
            return;
        }

        copy.CompletionCallback = completed => request.CompleteFrom(completed.CaptureResponse(codec), codec);
        request.ArmCancellation();
        catalog.Dispatch(target, copy, runInline: true);
        if (!request.IsCompleted)
        {
            timeouts.Track(request);
        }
    }
}
