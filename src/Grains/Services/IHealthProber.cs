namespace Silo.Grains.Services;

/// <summary>Runs one active health check: true when <paramref name="target"/> answers 2xx or 3xx in time.</summary>
public interface IHealthProber
{
    Task<bool> ProbeAsync(Uri target, TimeSpan timeout, CancellationToken cancellationToken);
}
