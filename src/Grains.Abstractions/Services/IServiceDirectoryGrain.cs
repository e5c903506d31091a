namespace Silo.Grains.Services;

/// <summary>
/// The one index of every registered service id (key <see cref="Key"/>). Services add themselves when created;
/// front ends keep a copy, refreshed by version, so a request naming a service that does not exist is answered
/// without activating a grain for it or keeping anything per made-up id.
/// </summary>
[Alias("silo.IServiceDirectoryGrain")]
public interface IServiceDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the single directory.</summary>
    public const string Key = "all";

    /// <summary>Adds a service id (no change when it is there already).</summary>
    [Alias("Add")]
    Task AddAsync(string serviceId);

    /// <summary>The directory if its version is above <paramref name="knownVersion"/>; otherwise null.</summary>
    [Alias("GetIfNewer")]
    Task<ServiceDirectorySnapshot?> GetIfNewerAsync(long knownVersion);
}
