namespace Silo.Runtime;

/// <summary>Sends a grain request to the activation that owns the target grain (locally or, later, remotely).</summary>
public interface IGrainCallInvoker
{
    /// <summary>Starts the call; the request itself completes with the result.</summary>
    void Send(GrainId target, GrainRequest request);
}
