namespace Silo.Runtime;

/// <summary>A call could not run because its grain failed to activate (constructor, state read or OnActivateAsync threw).</summary>
public sealed class GrainActivationException : Exception
{
    public GrainActivationException()
    {
    }

    public GrainActivationException(string message)
        : base(message)
    {
    }

    public GrainActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GrainActivationException(GrainId grainId, Exception innerException)
        : base($"Activation of grain {grainId} failed: {innerException?.Message}", innerException)
    {
    }
}
