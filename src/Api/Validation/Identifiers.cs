using System.Text.RegularExpressions;

namespace Silo.Api.Validation;

/// <summary>The shape of tenant and service ids: lowercase letters, digits and '-', 1-63 characters, starting with a letter or digit.</summary>
public static partial class Identifiers
{
    public const string Description = "1-63 characters of lowercase letters, digits and '-', starting with a letter or digit.";

    public static bool IsSlug(string? id) => id is not null && SlugPattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex SlugPattern();
}
