using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Silo.Grains.Admission;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Endpoints;

/// <summary>
/// The rate-limit headers of the IETF draft (draft-ietf-httpapi-ratelimit-headers):
/// <c>RateLimit-Policy: "per-minute";q=100;w=60</c> lists every limit that applied, and
/// <c>RateLimit: "per-minute";r=42;t=17</c> reports the tightest one (remaining units, seconds to reset).
/// Limit names are validated to <c>[A-Za-z0-9_.-]</c>, so they need no escaping inside the quotes.
/// </summary>
public static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string State = "RateLimit";

    /// <summary>How many distinct policy lists keep their formatted header; past it, headers are formatted per response.</summary>
    internal const int MaxCachedPolicyHeaders = 4096;

    // Keyed by the policies' content, never by the list instance: a grain answering from another silo sends a
    // new copy of the same list with every response. A few distinct lists cover most traffic (one per shape of
    // key and tenant limits), so the header text is formatted once per list, not once per response.
    private static readonly ConcurrentDictionary<PolicyList, string> PolicyHeaders = new();

    private static string Format(IReadOnlyList<LimitPolicy> policies)
    {
        var header = new StringBuilder();
        foreach (var p in policies)
        {
            if (header.Length > 0)
            {
                header.Append(", ");
            }

            header.Append(CultureInfo.InvariantCulture, $"\"{p.Name}\";q={p.Quota};w={p.WindowSeconds}");
        }

        return header.ToString();
    }

    public static void Apply(HttpResponse response, AdmissionResult result)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Policies.Count > 0)
        {
            response.Headers[Policy] = PolicyHeader(result.Policies);
        }

        var d = result.Decision;
        if (!d.IsUnlimited)
        {
            response.Headers[State] = string.Create(CultureInfo.InvariantCulture, $"\"{d.Policy}\";r={d.Remaining};t={d.ResetSeconds}");
        }

        if (!d.Allowed)
        {
            response.Headers.RetryAfter = d.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string PolicyHeader(IReadOnlyList<LimitPolicy> policies)
    {
        var key = new PolicyList(policies);
        if (PolicyHeaders.TryGetValue(key, out var header))
        {
            return header;
        }

        header = Format(policies);
        if (PolicyHeaders.Count < MaxCachedPolicyHeaders)
        {
            PolicyHeaders.TryAdd(key, header);
        }

        return header;
    }

    /// <summary>A policy list compared by its entries (records compare by value).</summary>
    private readonly struct PolicyList(IReadOnlyList<LimitPolicy> policies) : IEquatable<PolicyList>
    {
        private readonly IReadOnlyList<LimitPolicy> _policies = policies;

        public bool Equals(PolicyList other) => _policies.SequenceEqual(other._policies);

        public override bool Equals(object? obj) => obj is PolicyList other && Equals(other);

        public override int GetHashCode()
        {
            var hash = default(HashCode);
            foreach (var p in _policies)
            {
                hash.Add(p);
            }

            return hash.ToHashCode();
        }
    }
}
