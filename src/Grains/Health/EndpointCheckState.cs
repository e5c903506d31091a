namespace Silo.Grains.Health;

/// <summary>The active-check state of one endpoint: its standing and the current run of equal results.</summary>
internal sealed class EndpointCheckState
{
    public EndpointHealth Health { get; set; }

    /// <summary>Checks in a row that disagreed with <see cref="Health"/>; the run that may flip it.</summary>
    public int Run { get; set; }
}
