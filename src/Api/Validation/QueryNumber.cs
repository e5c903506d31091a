using System.Globalization;

namespace Silo.Api.Validation;

/// <summary>A whole number given in a query parameter (<c>?limit=</c>, <c>?seconds=</c>): digits only, within bounds.</summary>
internal static class QueryNumber
{
    /// <summary>
    /// <paramref name="fallback"/> when nothing was given; null when what was given is not a whole number from
    /// <paramref name="min"/> to <paramref name="max"/> (<see cref="Expected"/> is the field's error then).
    /// </summary>
    public static int? Read(string? given, int min, int max, int fallback) =>
        given is null ? fallback
        : int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : null;

    public static string Expected(int min, int max) => $"Must be a whole number from {min} to {max}.";
}
