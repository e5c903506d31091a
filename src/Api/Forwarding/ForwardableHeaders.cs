namespace Silo.Api.Forwarding;

/// <summary>
/// Header values the gateway can forward: visible ASCII, space and tab (RFC 9110 §5.5 field values without the
/// obsolete opaque octets). Anything else would fail only when the forwarder writes it — a client's fault that
/// would otherwise count against the downstream.
/// </summary>
internal static class ForwardableHeaders
{
    /// <summary>The name of the first header whose value cannot be forwarded, or null when all can.</summary>
    public static string? FirstInvalid(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                var span = value.AsSpan();
                var bad = span.IndexOfAnyExceptInRange(' ', '~');
                while (bad >= 0)
                {
                    if (span[bad] != '\t')
                    {
                        return name;
                    }

                    span = span[(bad + 1)..];
                    bad = span.IndexOfAnyExceptInRange(' ', '~');
                }
            }
        }

        return null;
    }
}
