using System.Globalization;
using System.Text;
using System.Runtime.CompilerServices;
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

    // Grains hand out the same policy list instance until their limits change, so the header text is
    // formatted once per list, not once per response; entries go away with their lists.
    private static readonly ConditionalWeakTable<IReadOnlyList<LimitPolicy>, string> PolicyHeaders = new();

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
            response.Headers[Policy] = PolicyHeaders.GetValue(result.Policies, Format);
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
}
