using System.Collections.Frozen;
using Silo.Api.Directories;
using Silo.Grains.Services;

namespace Silo.Api.Routing;

/// <summary>
/// Which service ids exist: the front end's copy of the service directory (<see cref="DirectoryCopy{T}"/>).
/// A request for an id the copy lacks is answered 404 from memory once the copy is at most a second old, so
/// made-up ids never activate a grain, never enter the routing table, and cost at most one directory call per
/// second between them. A service created on another front end serves here within about a second; one created
/// through this front end at once.
/// </summary>
public sealed class ServiceCatalog
{
    private readonly DirectoryCopy<Ids> _copy;

    public ServiceCatalog(IGrainFactory grains, TimeProvider time)
    {
        // The grain reference is made per fetch: an Orleans client cannot resolve one before it has connected.
        _copy = new DirectoryCopy<Ids>(
            Ids.Empty,
            ids => ids.Version,
            async known => await grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Services).GetIfNewerAsync(known).ConfigureAwait(false) is { } snapshot
                ? new Ids(snapshot.Version, snapshot.Ids.ToFrozenSet(StringComparer.Ordinal))
                : null,
            time);
    }

    /// <summary>Whether a service with this id is registered.</summary>
    public ValueTask<bool> ExistsAsync(string serviceId) => LookUpAsync(serviceId, fromDirectory: false);

    /// <summary>
    /// Whether a service with this id is registered now (the admin API): the copy when it has the id, else the
    /// directory itself. Either way no service grain is asked, so an unknown id activates none.
    /// </summary>
    public ValueTask<bool> IsRegisteredAsync(string serviceId) => LookUpAsync(serviceId, fromDirectory: true);

    private async ValueTask<bool> LookUpAsync(string serviceId, bool fromDirectory)
    {
        if ((await _copy.CurrentAsync().ConfigureAwait(false)).Set.Contains(serviceId))
        {
            return true;
        }

        // Not in the copy: it may be younger than the copy. Ask again with a copy at most a second old, or, for
        // the admin API, with one fetched now.
        if (fromDirectory)
        {
            _copy.Invalidate();
        }

        return (await _copy.FreshAsync().ConfigureAwait(false)).Set.Contains(serviceId);
    }

    /// <summary>A service was created through this front end: the next lookup of an unknown id refreshes.</summary>
    public void Invalidate() => _copy.Invalidate();

    private sealed record Ids(long Version, FrozenSet<string> Set)
    {
        public static readonly Ids Empty = new(0, FrozenSet<string>.Empty);
    }
}
