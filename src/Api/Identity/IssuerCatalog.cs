using System.Collections.Frozen;
using Silo.Api.Directories;
using Silo.Grains.Services;

namespace Silo.Api.Identity;

/// <summary>
/// Which token issuers some tenant registered: the front end's copy of the issuer index
/// (<see cref="DirectoryCopy{T}"/>), so a token naming a made-up issuer is refused from memory, without
/// activating an issuer grain or keeping anything per made-up issuer.
/// </summary>
public sealed class IssuerCatalog
{
    private readonly DirectoryCopy<FrozenSet<string>> _copy;
    private long _version;

    public IssuerCatalog(IGrainFactory grains, TimeProvider time)
    {
        _copy = new DirectoryCopy<FrozenSet<string>>(
            FrozenSet<string>.Empty,
            _ => Volatile.Read(ref _version),
            async known =>
            {
                if (await grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Issuers).GetIfNewerAsync(known).ConfigureAwait(false) is not { } snapshot)
                {
                    return null;
                }

                Volatile.Write(ref _version, snapshot.Version);
                return snapshot.Ids.ToFrozenSet(StringComparer.Ordinal);
            },
            time);
    }

    /// <summary>Whether some tenant registered the issuer (a copy at most a second old when the current one lacks it).</summary>
    public async ValueTask<bool> ExistsAsync(string issuer) =>
        (await _copy.CurrentAsync().ConfigureAwait(false)).Contains(issuer) || (await _copy.FreshAsync().ConfigureAwait(false)).Contains(issuer);

    /// <summary>An issuer was registered through this front end: the next lookup of an unknown one refreshes.</summary>
    public void Invalidate() => _copy.Invalidate();
}
