using System.Collections.Concurrent;
using Silo.Grains.Tenants;

namespace Silo.Api.Caching;

/// <summary>
/// Each tenant's cache budget as this front end applies it: the tenant's own (<see cref="TenantCacheBudget"/>)
/// or the front end's default, read from the tenant's grain in the background at most every
/// <see cref="RefreshEvery"/> — never a grain call on a request (a tenant's first entries, before the first
/// read lands, count against the default).
/// </summary>
internal sealed class TenantCacheBudgets(IGrainFactory grains, TimeProvider time, CacheBudget fallback)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);

    /// <summary>The budget that applies to <paramref name="tenantId"/> now; starts a read when it is due.</summary>
    public CacheBudget For(string tenantId)
    {
        var now = time.GetTimestamp();
        var known = _known.GetOrAdd(tenantId, static (_, f) => new Known(f.Fallback, f.Now), (Fallback: fallback, Now: now - Ticks(RefreshEvery)));
        if (time.GetElapsedTime(known.ReadAt, now) >= RefreshEvery && Interlocked.Exchange(ref known.Reading, 1) == 0)
        {
            _ = ReadAsync(tenantId, known);
        }

        return known.Budget;
    }

    private async Task ReadAsync(string tenantId, Known known)
    {
        try
        {
            var info = await grains.GetGrain<ITenantGrain>(tenantId).GetAsync().ConfigureAwait(false);
            var budget = info?.Cache is { } own ? new CacheBudget(own.MaxBytes, own.MaxItems) : fallback;
            _known[tenantId] = new Known(budget, time.GetTimestamp());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Kept as it was; read again on the next store.
            Volatile.Write(ref known.Reading, 0);
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed class Known(CacheBudget budget, long readAt)
    {
        public CacheBudget Budget { get; } = budget;

        public long ReadAt { get; } = readAt;

#pragma warning disable SA1401 // Interlocked needs the field.
        public int Reading;
#pragma warning restore SA1401
    }
}
