using System.Text.RegularExpressions;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Validation;

/// <summary>Checks limit definitions; returns field-named errors rather than throwing.</summary>
public static partial class LimitValidation
{
    /// <summary>The largest limit or burst accepted.</summary>
    public const long MaxLimit = 1_000_000_000;

    /// <summary>The longest window accepted, in seconds (31 days).</summary>
    public const int MaxWindowSeconds = 31 * 24 * 3600;

    /// <summary>The most limits one key or tenant may have.</summary>
    public const int MaxLimits = 16;

    public static void Validate(IReadOnlyList<LimitDefinition>? limits, string field, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (limits is null)
        {
            return;
        }

        if (limits.Count > MaxLimits)
        {
            errors[field] = $"At most {MaxLimits} limits are allowed.";
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            var at = $"{field}[{i}]";
            if (limit is null)
            {
                errors[at] = "A limit must be an object.";
                continue;
            }

            if (string.IsNullOrEmpty(limit.Name) || !NamePattern().IsMatch(limit.Name))
            {
                errors[$"{at}.name"] = "Required: 1-64 characters of letters, digits, '-', '_' or '.'.";
            }
            else if (!names.Add(limit.Name))
            {
                errors[$"{at}.name"] = $"Duplicate limit name '{limit.Name}'.";
            }

            if (limit.Limit is < 1 or > MaxLimit)
            {
                errors[$"{at}.limit"] = $"Must be between 1 and {MaxLimit}.";
            }

            ValidateWindow(limit, at, errors);
        }
    }

    private static void ValidateWindow(LimitDefinition limit, string at, IDictionary<string, string> errors)
    {
        if (limit.Calendar != LimitCalendar.None)
        {
            if (limit.Algorithm != LimitAlgorithm.FixedWindow)
            {
                errors[$"{at}.calendar"] = "Only a 'fixed-window' limit may follow the calendar.";
            }
        }
        else if (limit.WindowSeconds is < 1 or > MaxWindowSeconds)
        {
            errors[$"{at}.windowSeconds"] = $"Must be between 1 and {MaxWindowSeconds} (or set \"calendar\": \"day\" or \"month\" on a fixed window).";
        }

        if (limit.Burst is { } burst)
        {
            if (limit.Algorithm != LimitAlgorithm.TokenBucket)
            {
                errors[$"{at}.burst"] = "Only a 'token-bucket' limit has a burst.";
            }
            else if (burst < 1 || burst > MaxLimit)
            {
                errors[$"{at}.burst"] = $"Must be between 1 and {MaxLimit}.";
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex NamePattern();
}
