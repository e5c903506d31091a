namespace Silo.Api.Hosting;

/// <summary>Whether this front end can reach grains now (readiness), and which silos it sees.</summary>
internal interface IClusterReadiness
{
    bool IsReady { get; }

    /// <summary>The active silos as this process sees them, sorted (operators compare views across processes).</summary>
    Task<IReadOnlyList<string>> ActiveSilosAsync();
}
