namespace Silo.Runtime;

/// <summary>Base class of the generated, typed grain references.</summary>
public abstract class GrainReference
{
    protected GrainReference(GrainId grainId, IGrainCallInvoker invoker)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        GrainId = grainId;
        Invoker = invoker;
    }

    /// <summary>The grain this reference addresses.</summary>
    public GrainId GrainId { get; }

    private IGrainCallInvoker Invoker { get; }

    public override string ToString() => GrainId.ToString();

    protected ValueTask<TResult> Send<TResult>(GrainRequest<TResult> request)
    {
        Invoker.Send(GrainId, request);
        return request.AsValueTask();
    }

    protected Task<TResult> SendAsTask<TResult>(GrainRequest<TResult> request) => Send(request).AsTask();

    protected Task SendAsTask(GrainRequest<VoidResult> request) => Send(request).AsTask();

    protected ValueTask SendAsValueTask(GrainRequest<VoidResult> request)
    {
        Invoker.Send(GrainId, request);
        return request.AsVoidValueTask();
    }
}
