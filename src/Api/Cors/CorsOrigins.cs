namespace Silo.Api.Cors;

/// <summary>
/// Browser origins a tenant allows: <c>scheme://host[:port]</c> exactly (compared after normalizing case and
/// default ports), or <c>*</c> for any origin.
/// </summary>
public static class CorsOrigins
{
    /// <summary>Stands for every origin.</summary>
    public const string Any = "*";

    /// <summary>The most origins one tenant may list.</summary>
    public const int MaxOrigins = 32;

    /// <summary>The canonical form of an origin header value or configured origin; false when it is not one.</summary>
    public static bool TryNormalize(string? value, out string origin)
    {
        origin = string.Empty;
        if (string.IsNullOrEmpty(value) || value.Length > 300)
        {
            return false;
        }

        if (value == Any)
        {
            origin = Any;
            return true;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            uri.UserInfo.Length > 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0 ||
            value.EndsWith('/') || value.Contains('?', StringComparison.Ordinal))
        {
            return false;
        }

        origin = uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
        return true;
    }

    /// <summary>Checks a list from the admin API; errors are named by field.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<string?>? origins, string field, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (origins is null)
        {
            return [];
        }

        if (origins.Count > MaxOrigins)
        {
            errors[field] = $"At most {MaxOrigins} origins are allowed.";
            return [];
        }

        var normalized = new List<string>(origins.Count);
        for (var i = 0; i < origins.Count; i++)
        {
            if (TryNormalize(origins[i], out var origin))
            {
                if (!normalized.Contains(origin, StringComparer.Ordinal))
                {
                    normalized.Add(origin);
                }
            }
            else
            {
                errors[$"{field}[{i}]"] = "Must be an origin such as https://app.example.com (scheme, host and optional port; no path), or \"*\".";
            }
        }

        return normalized;
    }
}
