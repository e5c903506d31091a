namespace Silo.Grains.Health;

/// <summary>The outlier-detection state of one endpoint; timestamps are <see cref="TimeProvider.GetTimestamp"/> values.</summary>
internal sealed class EndpointOutlierState
{
    public bool Ejected { get; set; }

    public long EjectedUntil { get; set; }

    public int ConsecutiveFailures { get; set; }

    public int Ejections { get; set; }

    /// <summary>Since when the endpoint has been admitted without its multiplier being lowered.</summary>
    public long DecayFrom { get; set; }
}
