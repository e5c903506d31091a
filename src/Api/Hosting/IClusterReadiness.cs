namespace Silo.Api.Hosting;

/// <summary>Whether this front end can reach grains now (readiness), and which silos it sees.</summary>
internal interface IClusterReadiness
{
    bool IsReady { get; }

    /// <summary>
    /// Counts the changes of the cluster this front end has seen: membership versions with a silo of its own, the
    /// number of connected gateways as a client. A grain call that timed out while it moved was likely lost with a
    /// silo that stopped (Orleans fails such a call only at its timeout) and is worth sending again; one that timed
    /// out while nothing moved waits on a frozen or overloaded silo, and sending it again would wait as long.
    /// </summary>
    long Changes { get; }

    /// <summary>The active silos as this process sees them, sorted (operators compare views across processes).</summary>
    Task<IReadOnlyList<string>> ActiveSilosAsync();
}
