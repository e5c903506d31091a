using System.Globalization;
using System.Text;
using Silo.Grains.Admission;

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

    public static void Apply(HttpResponse response, AdmissionResult result)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Policies.Count > 0)
        {
            var policy = new StringBuilder();
            foreach (var p in result.Policies)
            {
                if (policy.Length > 0)
                {
                    policy.Append(", ");
                }

                policy.Append(CultureInfo.InvariantCulture, $"\"{p.Name}\";q={p.Quota};w={p.WindowSeconds}");
            }

            response.Headers[Policy] = policy.ToString();
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
