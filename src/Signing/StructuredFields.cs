using System.Globalization;
using System.Text;

namespace Silo.Signing;

/// <summary>
/// The part of RFC 8941 (Structured Field Values) that signatures and digests use: dictionaries whose members
/// are items or inner lists, with parameters; bare items that are integers, strings, tokens, byte sequences
/// or booleans (decimals are refused). Parsing is strict: anything else fails the whole field, as §4.2 says.
/// </summary>
internal static class StructuredFields
{
    public static bool TryParseDictionary(string field, out Dictionary<string, SfItem> members)
    {
        members = new Dictionary<string, SfItem>(StringComparer.Ordinal);
        var reader = new Reader(field);
        reader.SkipSpaces();
        while (!reader.AtEnd)
        {
            if (!reader.TryKey(out var key))
            {
                return false;
            }

            SfItem? member;
            if (reader.TryTake('='))
            {
                member = reader.ItemOrInnerList();
            }
            else
            {
                member = reader.Parameters() is { } parameters ? new SfItem(true, parameters) : null;
            }

            if (member is null)
            {
                return false;
            }

            members[key] = member;
            reader.SkipOptionalWhitespace();
            if (reader.AtEnd)
            {
                return true;
            }

            if (!reader.TryTake(','))
            {
                return false;
            }

            reader.SkipOptionalWhitespace();
            if (reader.AtEnd)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An inner list of strings with its parameters, serialized (RFC 8941 §4.1.1.1).</summary>
    public static string Serialize(IReadOnlyList<string> items, IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        var text = new StringBuilder("(");
        for (var i = 0; i < items.Count; i++)
        {
            text.Append(i == 0 ? "" : " ");
            AppendBareItem(text, items[i]);
        }

        text.Append(')');
        foreach (var (key, value) in parameters)
        {
            text.Append(';').Append(key);
            if (value is not true)
            {
                text.Append('=');
                AppendBareItem(text, value);
            }
        }

        return text.ToString();
    }

    private static void AppendBareItem(StringBuilder text, object value)
    {
        switch (value)
        {
            case string s:
                text.Append('"');
                foreach (var c in s)
                {
                    text.Append(c is '"' or '\\' ? "\\" : "").Append(c);
                }

                text.Append('"');
                break;
            case long n:
                text.Append(n.ToString(CultureInfo.InvariantCulture));
                break;
            case bool b:
                text.Append(b ? "?1" : "?0");
                break;
            case SfToken token:
                text.Append(token.Text);
                break;
            case byte[] bytes:
                text.Append(':').Append(Convert.ToBase64String(bytes)).Append(':');
                break;
            default:
                throw new ArgumentException($"A {value.GetType().Name} is not a structured field bare item.", nameof(value));
        }
    }

    private sealed class Reader(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        private char Next => text[_at];

        public void SkipSpaces()
        {
            while (!AtEnd && Next == ' ')
            {
                _at++;
            }
        }

        public void SkipOptionalWhitespace()
        {
            while (!AtEnd && Next is ' ' or '\t')
            {
                _at++;
            }
        }

        public bool TryTake(char c)
        {
            if (AtEnd || Next != c)
            {
                return false;
            }

            _at++;
            return true;
        }

        public bool TryKey(out string key)
        {
            var start = _at;
            if (AtEnd || !(char.IsAsciiLetterLower(Next) || Next == '*'))
            {
                key = "";
                return false;
            }

            while (!AtEnd && (char.IsAsciiLetterLower(Next) || char.IsAsciiDigit(Next) || Next is '_' or '-' or '.' or '*'))
            {
                _at++;
            }

            key = text[start.._at];
            return true;
        }

        public SfItem? ItemOrInnerList()
        {
            if (!TryTake('('))
            {
                return BareItem() is { } value && Parameters() is { } parameters ? new SfItem(value, parameters) : null;
            }

            var items = new List<SfItem>();
            while (true)
            {
                SkipSpaces();
                if (TryTake(')'))
                {
                    return Parameters() is { } parameters ? new SfItem(items, parameters) : null;
                }

                if (BareItem() is not { } value || Parameters() is not { } itemParameters)
                {
                    return null;
                }

                items.Add(new SfItem(value, itemParameters));
                if (AtEnd || Next is not (' ' or ')'))
                {
                    return null;
                }
            }
        }

        public List<KeyValuePair<string, object>>? Parameters()
        {
            var parameters = new List<KeyValuePair<string, object>>();
            while (TryTake(';'))
            {
                SkipSpaces();
                if (!TryKey(out var key))
                {
                    return null;
                }

                object value = true;
                if (TryTake('='))
                {
                    if (BareItem() is not { } bare)
                    {
                        return null;
                    }

                    value = bare;
                }

                parameters.RemoveAll(p => p.Key == key);
                parameters.Add(new(key, value));
            }

            return parameters;
        }

        private object? BareItem()
        {
            if (AtEnd)
            {
                return null;
            }

            return Next switch
            {
                '-' or (>= '0' and <= '9') => Integer(),
                '"' => String(),
                ':' => ByteSequence(),
                '?' => Boolean(),
                _ when char.IsAsciiLetter(Next) || Next == '*' => Token(),
                _ => null,
            };
        }

        private object? Integer()
        {
            var start = _at;
            TryTake('-');
            var digits = _at;
            while (!AtEnd && char.IsAsciiDigit(Next))
            {
                _at++;
            }

            // At most 15 digits (RFC 8941 §3.3.1); a decimal point means a decimal, which is not supported here.
            if (_at == digits || _at - digits > 15 || (!AtEnd && Next == '.'))
            {
                return null;
            }

            return long.Parse(text.AsSpan(start, _at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        private string? String()
        {
            _at++;
            var value = new StringBuilder();
            while (!AtEnd)
            {
                var c = text[_at++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c == '\\')
                {
                    if (AtEnd || Next is not ('"' or '\\'))
                    {
                        return null;
                    }

                    c = text[_at++];
                }
                else if (c is < ' ' or > '~')
                {
                    return null;
                }

                value.Append(c);
            }

            return null;
        }

        private byte[]? ByteSequence()
        {
            _at++;
            var end = text.IndexOf(':', _at);
            if (end < 0)
            {
                return null;
            }

            var encoded = text[_at..end];
            _at = end + 1;
            var bytes = new byte[encoded.Length];
            return Convert.TryFromBase64String(encoded, bytes, out var written) ? bytes[..written] : null;
        }

        private object? Boolean()
        {
            _at++;
            if (AtEnd || Next is not ('0' or '1'))
            {
                return null;
            }

            return text[_at++] == '1';
        }

        private SfToken Token()
        {
            var start = _at;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Next) || Next is ':' or '/' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~'))
            {
                _at++;
            }

            return new SfToken(text[start.._at]);
        }
    }
}
