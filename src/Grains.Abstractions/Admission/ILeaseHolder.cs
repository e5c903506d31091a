namespace Silo.Grains.Admission;

/// <summary>
/// A front end that holds admission leases (Orleans grain observer). A key grain calls it when something that
/// narrows what the key may do has changed (revoke, rotation, limit reset, its tenant suspended or its limits
/// changed): the holder drops what it holds of that key, and its next request of the key asks the grain again.
/// </summary>
[Alias("silo.ILeaseHolder")]
public interface ILeaseHolder : IGrainObserver
{
    /// <summary>Forget every lease and cached refusal of <paramref name="keyId"/>; the tokens they held count as spent.</summary>
    [Alias("LeasesEnded")]
    Task LeasesEndedAsync(string keyId);
}
