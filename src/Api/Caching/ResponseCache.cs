using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using Silo.Api.Forwarding;
using Silo.Grains.Admission;
using Silo.Grains.Idempotency;
using Silo.Grains.Services;

namespace Silo.Api.Caching;

/// <summary>
/// Each front end's store of downstream responses (a <see cref="CacheStore"/>: within
/// <see cref="CachingOptions.MaxBytes"/>, each tenant within its budget, least recently used out first). Concurrent misses of one key are
/// collapsed: the first is forwarded and its response stored while it streams to its client; the others wait for
/// it (at most the service's timeout) and are answered from it, or forwarded themselves when it was not stored.
/// </summary>
public sealed class ResponseCache
{
    private readonly CacheStore _entries;
    private readonly TenantCacheBudgets _tenantBudgets;
    private readonly CacheBudget _sharedBudget;
    private readonly ConcurrentDictionary<EntryKey, Task<CachedResponse?>> _filling = new();
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;

    private readonly RedisCacheLevel? _shared;

    public ResponseCache(IOptions<CachingOptions> options, TimeProvider time, CacheMetrics metrics, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);

        // Cluster mode: the process's Redis connection is there, and the front ends share a second level on it.
        if (services.GetService<Silo.Grains.Hosting.SharedRedisConnection>() is { } redis)
        {
            _shared = new RedisCacheLevel(redis, time, services.GetRequiredService<ILogger<RedisCacheLevel>>());
        }

        var settings = options.Value;
        _entries = new CacheStore(settings.MaxBytes);
        _tenantBudgets = new TenantCacheBudgets(services.GetRequiredService<IGrainFactory>(), time, new CacheBudget(settings.TenantMaxBytes, settings.TenantMaxItems));
        _sharedBudget = new CacheBudget(settings.MaxBytes, int.MaxValue);
        _time = time;
        _metrics = metrics;
    }

    /// <summary>The cache's plan for a request, or null when the service has no cache policy (or it is off).</summary>
    /// <param name="rules">What <see cref="CacheRules.ForRequest"/> said of the request under the service's policy.</param>
    public static CachePlan? Plan(
        RoutingSnapshot snapshot, string target, AdmissionResult admitted, string keyId, (bool Lookup, bool Store, string? Bypass) rules)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(admitted);
        if (snapshot.Cache is not { Enabled: true } policy)
        {
            return null;
        }

        var scope = policy.Scope switch
        {
            CacheScope.Shared => string.Empty,
            CacheScope.Key => "key:" + keyId,
            _ => "tenant:" + admitted.TenantId,
        };
        return new CachePlan(policy, snapshot.ServiceId, scope, policy.Scope == CacheScope.Shared ? null : admitted.TenantId, target, rules);
    }

    /// <summary>
    /// A fresh stored response for the request, waiting for a fetch of the same key already under way; null for a
    /// miss (then, for a GET, this request may be the one that fills the entry: <see cref="CachePlan.Fill"/>).
    /// </summary>
    internal async Task<CachedResponse?> LookupAsync(CachePlan plan, HttpRequest request, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        if (!plan.Lookup)
        {
            _metrics.Request(plan.Service, "bypass");
            return null;
        }

        var now = _time.GetTimestamp();
        var names = _entries.Get<string[]>(plan.TargetKey, now) ?? Lowered(plan.Policy.VaryBy);
        var key = plan.KeyFor(Variant(names, request));
        plan.Key = key;
        var found = _entries.Get<CachedResponse>(key, now);
        if (Fresh(found) is { } stored)
        {
            stored.CountHit();
            _metrics.Request(plan.Service, "hit");
            plan.Status = CacheStatus.Hit(stored.FreshLeft(_time.GetTimestamp(), _time));
            return stored;
        }

        // Stale, with a validator: the forward asks the downstream whether it still holds (RFC 9111 §4.3).
        if (found is not null && plan.Store && (found.ETag is not null || found.LastModified is not null))
        {
            plan.Stale = found;
        }

        var answer = await JoinOrLeadAsync(plan, key, request, wait).ConfigureAwait(false);
        if (answer is null && _shared is not null)
        {
            answer = await SharedAsync(plan, request).ConfigureAwait(false);
        }

        _metrics.Request(plan.Service, answer is null ? "miss" : "hit");
        return answer;
    }

    /// <summary>
    /// Waits for a fetch of the same key under way and answers from it; or, for a GET, registers this request as
    /// the one the others wait for (<see cref="CachePlan.Fill"/>). Null when there is nothing to answer with.
    /// </summary>
    private async Task<CachedResponse?> JoinOrLeadAsync(CachePlan plan, EntryKey key, HttpRequest request, TimeSpan wait)
    {
        for (var tries = 0; tries < 2; tries++)
        {
            if (_filling.TryGetValue(key, out var filling))
            {
                if (await Collapsed(filling, wait, key, request).ConfigureAwait(false) is { } shared)
                {
                    plan.Status = CacheStatus.Hit(shared.FreshLeft(_time.GetTimestamp(), _time), "collapsed");
                    return shared;
                }

                return null;
            }

            var fill = new TaskCompletionSource<CachedResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!plan.Store || _filling.TryAdd(key, fill.Task))
            {
                plan.Fill = plan.Store ? fill : null;
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The Redis level's entry for the request, kept here too and handed to requests waiting on this one; null
    /// when it has none fresh or did not answer in time.
    /// </summary>
    private async Task<CachedResponse?> SharedAsync(CachePlan plan, HttpRequest request)
    {
        var (remote, failed) = await _shared!.GetAsync(
            plan.TargetKey, names => plan.KeyFor(Variant(names ?? Lowered(plan.Policy.VaryBy), request))).ConfigureAwait(false);
        plan.SharedDown = failed;
        if (Fresh(remote) is not { } fresh)
        {
            return null;
        }

        Keep(plan, request, fresh);
        plan.Status = CacheStatus.Hit(fresh.FreshLeft(_time.GetTimestamp(), _time), "shared");
        if (plan.Fill is { } fill && plan.Key is { } key)
        {
            _filling.TryRemove(new KeyValuePair<EntryKey, Task<CachedResponse?>>(key, fill.Task));
            fill.TrySetResult(fresh);
            plan.Fill = null;
        }

        return fresh;
    }

    /// <summary>
    /// The forwarded response's head is about to go out: its <c>Cache-Status</c>, saying whether it will be stored
    /// (a body that turns out longer than the policy allows is still not).
    /// </summary>
    internal static void OnHead(HttpContext context, CachePlan plan, ResponseCapture? capture, DateTimeOffset now)
    {
        string? notStored = "not-storable";
        if (plan.Store && capture?.StatusCode is { } status)
        {
            CacheRules.Freshness(status, capture.Headers, plan.Policy, now, out notStored);
            notStored ??= capture.Overflowed ? "too-large" : null;
        }

        plan.Status = plan.Status is { } bypass
            ? notStored is null && plan.Store ? bypass + "; stored" : bypass
            : plan.Stale is not null ? CacheStatus.Stale(capture?.StatusCode ?? 0, notStored) : CacheStatus.Miss(notStored, plan.SharedDown);
        context.Response.Headers[CacheStatus.HeaderName] = plan.Status;
    }

    /// <summary>The forward is over: stores what was recorded when it may be, and releases requests waiting on it.</summary>
    internal void Complete(CachePlan plan, HttpRequest request, ResponseCapture? capture)
    {
        ArgumentNullException.ThrowIfNull(plan);
        CachedResponse? stored = null;
        try
        {
            if (plan.Store && capture?.ToRecorded() is { } recorded)
            {
                stored = Store(plan, request, recorded, plan.Stale is null ? null : Adapted(plan, recorded, changed: true));
            }

            stored ??= plan.Refreshed;
        }
        finally
        {
            if (plan.Fill is { } fill && plan.Key is { } key)
            {
                _filling.TryRemove(new KeyValuePair<EntryKey, Task<CachedResponse?>>(key, fill.Task));
                fill.TrySetResult(stored);
            }
        }
    }

    /// <summary>What <paramref name="tenantId"/>'s entries take on this front end, and the budget applied to them.</summary>
    public (long Bytes, int Items, long MaxBytes, int MaxItems) TenantUsage(string tenantId)
    {
        var (bytes, items) = _entries.Usage(CachePlan.OwnerOf(tenantId));
        var budget = _tenantBudgets.For(tenantId);
        return (bytes, items, budget.MaxBytes, budget.MaxItems);
    }

    /// <summary>Removes a service's entries (those whose target starts with <paramref name="prefix"/>, or all); returns how many.</summary>
    public int Purge(string service, string? prefix)
    {
        return _entries.RemoveWhere(key =>
        {
            var (owner, target) = key switch
            {
                EntryKey e => (e.Service, e.Target),
                VaryKey v => (v.Service, v.Target),
                _ => (null, null),
            };
            return owner == service && (prefix is null || target!.StartsWith(prefix, StringComparison.Ordinal));
        });
    }

    /// <summary>
    /// Removes the service's entries from the Redis level (cluster mode): how many, or null when there is none
    /// or Redis did not answer within 5 s (then the front ends' own copies are gone and Redis's expire).
    /// </summary>
    public async Task<int?> PurgeSharedAsync(string service, string? prefix)
    {
        if (_shared is null)
        {
            return null;
        }

        try
        {
            return await _shared.PurgeAsync(service, prefix).WaitAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or StackExchange.Redis.RedisException)
        {
            return null;
        }
    }

    /// <summary>Answers the request from a stored response: its head and body, its age, the admission's rate-limit headers.</summary>
    internal Task WriteAsync(HttpContext context, CachePlan plan, CachedResponse stored, AdmissionResult? admitted) =>
        ProxiedResponse.WriteRecordedAsync(
            context,
            stored.Response,
            admitted,
            ("Age", ((long)stored.AgeAt(_time.GetTimestamp(), _time).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (CacheStatus.HeaderName, plan.Status!));

    /// <summary>
    /// The downstream answered 304 to a revalidation: the stale response, its headers updated from the 304's
    /// (RFC 9111 §4.3.4), is stored again when it may be, and answered.
    /// </summary>
    internal async Task AnswerNotModifiedAsync(HttpContext context, CachePlan plan, AdmissionResult? admitted)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        var stale = plan.Stale!.Response;
        var updates = plan.NotModified!.Where(h => !Unstored(h.Name) && !h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).ToList();
        var merged = stale with
        {
            Headers = [.. stale.Headers.Where(h => !updates.Exists(u => u.Name.Equals(h.Name, StringComparison.OrdinalIgnoreCase))), .. updates],
        };
        plan.Refreshed = Store(plan, context.Request, merged, Adapted(plan, merged, changed: false));
        CacheRules.Freshness(merged.StatusCode, merged.Headers, plan.Policy, _time.GetUtcNow(), out var notStored);
        plan.Status = CacheStatus.Stale(StatusCodes.Status304NotModified, plan.Refreshed is null ? notStored ?? "not-storable" : null);
        _metrics.Request(plan.Service, "revalidated");
        ProxiedResponse.ResetHead(context);
        context.Response.Headers.Clear();
        ProxiedResponse.KeepRequestId(context);
        await WriteAsync(context, plan, plan.Refreshed ?? new CachedResponse(merged, [], _time.GetTimestamp(), CacheRules.Age(merged.Headers), TimeSpan.Zero), admitted);
    }

    /// <summary>The next lifetime of a revalidated response that gives none of its own (<see cref="AdaptiveTtl"/>); null otherwise.</summary>
    private static TimeSpan? Adapted(CachePlan plan, RecordedResponse response, bool changed) =>
        plan.Stale is { } stale && plan.Policy.DefaultTtlSeconds > 0 && !CacheRules.SaysHowLong(response.Headers) && !CacheRules.SaysHowLong(stale.Response.Headers)
            ? AdaptiveTtl.Next(stale.Lifetime, changed, stale.Hits, plan.Policy)
            : null;

    private CachedResponse? Store(CachePlan plan, HttpRequest request, RecordedResponse recorded, TimeSpan? adapted = null)
    {
        if (recorded.Body.Length > plan.Policy.MaxEntryBytes ||
            CacheRules.Freshness(recorded.StatusCode, recorded.Headers, plan.Policy, _time.GetUtcNow(), out _, adapted) is not { } fresh)
        {
            return null;
        }

        var names = Lowered(plan.Policy.VaryBy).Union(CacheRules.VaryNames(recorded.Headers)!, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var stored = new CachedResponse(
            recorded with { Headers = [.. recorded.Headers.Where(h => !Unstored(h.Name))] }, names, _time.GetTimestamp(), CacheRules.Age(recorded.Headers), fresh);
        if (Keep(plan, request, stored) is not { } keptFor)
        {
            return null;
        }

        if (_shared is not null)
        {
            _ = _shared.SetAsync(plan.TargetKey, plan.KeyFor(Variant(names, request)), stored, keptFor);
        }

        _metrics.Stored(plan.Service, stored.Size);
        return stored;
    }

    /// <summary>
    /// Keeps <paramref name="stored"/> on this front end within its owner's budget: fresh for what it has left and,
    /// with a validator, as long again (a minute at least) to be revalidated rather than fetched whole. How long it
    /// is kept, or null when it did not fit.
    /// </summary>
    private TimeSpan? Keep(CachePlan plan, HttpRequest request, CachedResponse stored)
    {
        var now = _time.GetTimestamp();
        var fresh = stored.FreshLeft(now, _time);
        var validated = stored.ETag is not null || stored.LastModified is not null;
        var kept = validated ? fresh + TimeSpan.FromSeconds(Math.Max(60, stored.FreshFor.TotalSeconds)) : fresh;
        var expiresAt = now + (long)(kept.TotalSeconds * _time.TimestampFrequency);
        var budget = plan.Tenant is { } tenant ? _tenantBudgets.For(tenant) : _sharedBudget;
        var evictions = _entries.Evictions;
        var added = _entries.Set(plan.KeyFor(Variant(stored.Vary, request)), stored, stored.Size, isItem: true, plan.Owner, budget, expiresAt) &&
            _entries.Set(plan.TargetKey, stored.Vary.ToArray(), 64 + stored.Vary.Sum(n => n.Length), isItem: false, plan.Owner, budget, expiresAt);
        _metrics.Evicted(_entries.Evictions - evictions);
        return added ? kept : null;
    }

    private async Task<CachedResponse?> Collapsed(Task<CachedResponse?> filling, TimeSpan wait, EntryKey key, HttpRequest request)
    {
        try
        {
            var shared = await filling.WaitAsync(wait, _time).ConfigureAwait(false);

            // The response may vary on headers this request sends other values of.
            return Fresh(shared) is { } fresh && Variant(fresh.Vary, request) == key.Variant ? fresh : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private CachedResponse? Fresh(CachedResponse? stored) => stored is not null && stored.FreshLeft(_time.GetTimestamp(), _time) > TimeSpan.Zero ? stored : null;

    // Hop and per-answer headers: never part of a stored response (Age is worked out when it is served).
    private static bool Unstored(string name) =>
        name.Equals("Age", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals(CacheStatus.HeaderName, StringComparison.OrdinalIgnoreCase);

    private static string[] Lowered(IReadOnlyList<string>? names) => names is null ? [] : [.. names.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string Variant(IReadOnlyList<string> names, HttpRequest request)
    {
        if (names.Count == 0)
        {
            return string.Empty;
        }

        var variant = new StringBuilder();
        foreach (var name in names)
        {
            variant.Append(name).Append('=').Append(request.Headers[name].ToString()).Append('\n');
        }

        return variant.ToString();
    }
}
