using Silo.Grains.Idempotency;

namespace Silo.Api.Caching;

/// <summary>
/// A stored response: what the downstream answered, the request headers it varies on, and when it stops being
/// fresh (on the front end's clock).
/// </summary>
internal sealed record CachedResponse(RecordedResponse Response, IReadOnlyList<string> Vary, long StoredAt, TimeSpan AgeWhenStored, TimeSpan FreshFor)
{
    /// <summary>Its age at <paramref name="now"/> (RFC 9111 §4.2.3): the downstream's <c>Age</c> plus the time stored.</summary>
    public TimeSpan AgeAt(long now, TimeProvider time) => AgeWhenStored + time.GetElapsedTime(StoredAt, now);

    /// <summary>How long it stays fresh from <paramref name="now"/>; zero or less once stale.</summary>
    public TimeSpan FreshLeft(long now, TimeProvider time) => FreshFor - time.GetElapsedTime(StoredAt, now);

    private long _hits;

    /// <summary>How many requests it answered (the adaptive lifetime's "hit often").</summary>
    public long Hits => Volatile.Read(ref _hits);

    /// <summary>The lifetime it was given: its freshness when stored plus the age it had then.</summary>
    public TimeSpan Lifetime => FreshFor + AgeWhenStored;

    public void CountHit() => Interlocked.Increment(ref _hits);

    /// <summary>Its <c>ETag</c>, to revalidate it with once stale.</summary>
    public string? ETag => Header("ETag");

    /// <summary>Its <c>Last-Modified</c>, to revalidate it with once stale.</summary>
    public string? LastModified => Header("Last-Modified");

    /// <summary>The bytes it holds, roughly: what the cache's size limit counts.</summary>
    private string? Header(string name) =>
        Response.Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Values.FirstOrDefault();

    public long Size => Response.Body.Length + Response.Headers.Sum(h => h.Name.Length + h.Values.Sum(v => v.Length + 4)) + 256;
}
