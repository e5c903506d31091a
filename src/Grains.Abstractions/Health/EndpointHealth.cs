namespace Silo.Grains.Health;

/// <summary>An endpoint's standing by the active health checks.</summary>
[GenerateSerializer, Alias("silo.EndpointHealth")]
public enum EndpointHealth
{
    /// <summary>Takes traffic.</summary>
    Healthy,

    /// <summary>Failed enough checks in a row; takes no traffic until enough checks pass in a row.</summary>
    Unhealthy,
}
