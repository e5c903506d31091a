namespace Silo.Runtime.Hosting;

/// <summary>Whether this silo is up and able to take calls (readiness).</summary>
public interface ISiloStatus
{
    /// <summary>True once the silo started and until it begins shutting down.</summary>
    bool IsReady { get; }
}
