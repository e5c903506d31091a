using Microsoft.Extensions.Logging;

namespace Silo.Grains.Services;

/// <summary>
/// Keeps one grain (a service or a tenant) listed in its cluster index (<see cref="IDirectoryGrain"/>). Listing is
/// never what fails the grain's own work: creating it, or activating it, succeeds once its own state is stored,
/// and a listing that could not be written (the index's silo briefly without storage) is retried by a timer of
/// the grain until it is. Otherwise a create whose second write failed would answer 503 and its retry 409 for a
/// record that exists but is not listed. Used only inside the owning activation's turns.
/// </summary>
internal sealed partial class IndexListing(Grain grain, IGrainFactory grains, string index, string id, ILogger logger)
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);
    private IGrainTimer? _retry;

    /// <summary>Lists the grain now, or starts retrying it in the background.</summary>
    public async Task EnsureAsync()
    {
        if (_retry is not null || await TryAddAsync())
        {
            return;
        }

        _retry = grain.RegisterGrainTimer(async _ =>
        {
            if (await TryAddAsync())
            {
                _retry?.Dispose();
                _retry = null;
            }
        }, RetryEvery, RetryEvery);
    }

    private async Task<bool> TryAddAsync()
    {
        try
        {
            await grains.GetGrain<IDirectoryGrain>(index).AddAsync(id);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotListed(logger, ex, id, index);
            return false;
        }
    }

    [LoggerMessage(EventId = 609, Level = LogLevel.Warning, Message = "{Id} could not be listed in index {Index} yet; retrying")]
    private static partial void LogNotListed(ILogger logger, Exception exception, string id, string index);
}
