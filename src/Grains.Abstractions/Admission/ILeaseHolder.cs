namespace Silo.Grains.Admission;

/// <summary>
/// A front end that holds admission leases (Orleans grain observer). A key grain calls it when something that
/// narrows what the key may do has changed (revoke, rotation, limit reset, its tenant suspended or its limits
/// changed): the holder stops admitting from what it holds of that key, gives back what it did not use, and its
/// next request of the key asks the grain again. A key grain about to refuse a request also asks holders it
/// granted slices to give back what they have not used, so units parked with a quiet front end are not refused
/// to a busy one.
/// </summary>
[Alias("silo.ILeaseHolder")]
public interface ILeaseHolder : IGrainObserver
{
    /// <summary>
    /// Forget every lease and cached refusal of <paramref name="keyId"/> and answer with the units of its slices
    /// that were not used (the grain credits them before it answers its own caller).
    /// </summary>
    [Alias("LeasesEnded")]
    Task<IReadOnlyList<LeaseReturn>> LeasesEndedAsync(string keyId);

    /// <summary>
    /// Give back the units not used of every slice of <paramref name="keyId"/>, keeping the rest of the lease
    /// (the key's view, a cached refusal): answered with them, for the grain to credit. A slice whose request was
    /// sent before this call arrived and whose answer comes after it is given back too, when it comes.
    /// </summary>
    [Alias("GiveBack")]
    Task<IReadOnlyList<LeaseReturn>> GiveBackAsync(string keyId);
}
