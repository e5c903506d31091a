using System.Diagnostics;

namespace Silo.Api.Forwarding;

/// <summary>
/// W3C Trace Context (https://www.w3.org/TR/trace-context/) for one hop: the gateway keeps the trace id of
/// a valid incoming <c>traceparent</c> and puts its own new parent id in; anything invalid starts a new
/// trace, so the gateway never passes on a header it could not parse.
/// </summary>
internal static class TraceParent
{
    public const string HeaderName = "traceparent";
    public const string StateHeaderName = "tracestate";

    // version(2) - trace-id(32) - parent-id(16) - flags(2)
    private const int Length = 55;

    /// <summary>
    /// The header to send downstream. <paramref name="continued"/> is true when <paramref name="incoming"/>
    /// (all values of the header) was one valid traceparent whose trace is continued; only then may
    /// <c>tracestate</c> go along with it.
    /// </summary>
    public static string ForHop(IReadOnlyList<string?> incoming, out bool continued)
    {
        var parentId = ActivitySpanId.CreateRandom().ToHexString();
        if (incoming.Count == 1 && TryParse(incoming[0], out var traceId, out var flags))
        {
            continued = true;
            return $"00-{traceId}-{parentId}-{flags}";
        }

        continued = false;
        return $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{parentId}-01";
    }

    /// <summary>Parses a traceparent; the flags come back with only the bits version 00 defines (sampled, random).</summary>
    internal static bool TryParse(string? value, out string traceId, out string flags)
    {
        traceId = string.Empty;
        flags = string.Empty;
        if (value is null || value.Length < Length)
        {
            return false;
        }

        var version = value.AsSpan(0, 2);
        if (!IsLowerHex(version) || version is "ff" || value[2] != '-' || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        // Version 00 is exactly 55 characters; a later version may append fields after a '-' (§3.2.4).
        if (version is "00" ? value.Length != Length : value.Length > Length && value[Length] != '-')
        {
            return false;
        }

        var trace = value.AsSpan(3, 32);
        var parent = value.AsSpan(36, 16);
        var flagSpan = value.AsSpan(53, 2);
        if (!IsLowerHex(trace) || !IsLowerHex(parent) || !IsLowerHex(flagSpan) || IsAllZeros(trace) || IsAllZeros(parent))
        {
            return false;
        }

        traceId = trace.ToString();
        flags = (Convert.ToByte(flagSpan.ToString(), 16) & 0x03).ToString("x2", System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllZeros(ReadOnlySpan<char> value) => !value.ContainsAnyExcept('0');
}
