namespace Silo.Runtime.Persistence;

/// <summary>Reads a grain's states before OnActivateAsync.</summary>
internal interface IPersistentStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken);
}
