using Silo.Runtime.Activation;

namespace Silo.Runtime.Hosting;

/// <summary>Read-only figures about this silo for operations endpoints and dashboards.</summary>
public sealed class SiloDiagnostics
{
    private readonly Catalog _catalog;

    internal SiloDiagnostics(Catalog catalog)
    {
        _catalog = catalog;
    }

    /// <summary>How many grain activations this silo holds.</summary>
    public int ActivationCount => _catalog.Count;
}
