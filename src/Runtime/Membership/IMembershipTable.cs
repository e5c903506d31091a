namespace Silo.Runtime.Membership;

/// <summary>
/// The cluster's membership table: a row per silo and a table version. Every change of a row's status or
/// suspicions is conditional on the version read before (optimistic concurrency) and bumps it; heartbeats
/// (<see cref="UpdateIAmAliveAsync"/>) change no version.
/// </summary>
public interface IMembershipTable
{
    Task<MembershipSnapshot> ReadAllAsync();

    /// <summary>Adds a row; false if the version moved on or the silo has a row already.</summary>
    Task<bool> InsertRowAsync(MembershipEntry entry, long expectedVersion);

    /// <summary>Replaces a row; false if the version moved on or the silo has no row.</summary>
    Task<bool> UpdateRowAsync(MembershipEntry entry, long expectedVersion);

    /// <summary>Records that the silo is alive at <paramref name="time"/>.</summary>
    Task UpdateIAmAliveAsync(string silo, DateTimeOffset time);

    /// <summary>
    /// Calls <paramref name="onChanged"/> (on some thread) when the version may have changed, so readers
    /// need not wait for their next poll. Best effort: readers still poll.
    /// </summary>
    Task<IAsyncDisposable> WatchAsync(Action onChanged);
}
