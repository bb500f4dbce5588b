using System.Globalization;
using System.Text;

namespace VideoPlatform.Federation.Signatures;

/// <summary>An RFC 8941 token (an unquoted bare item).</summary>
public sealed record SfToken(string Value);

/// <summary>An RFC 8941 item: a bare value (string, long, decimal, bool, byte[] or <see cref="SfToken"/>) and its parameters.</summary>
public sealed record SfItem(object Value, IReadOnlyList<KeyValuePair<string, object>> Parameters);

/// <summary>An RFC 8941 inner list: <c>("a" "b");p=1</c>.</summary>
public sealed record SfInnerList(IReadOnlyList<SfItem> Items, IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    public object? Parameter(string name) => Parameters.FirstOrDefault(p => p.Key == name).Value;
}

/// <summary>
/// The part of RFC 8941 (structured field values) that HTTP message signatures need: dictionaries whose members are
/// items or inner lists (<c>Signature-Input</c>, <c>Signature</c>, <c>Content-Digest</c>), and the serialization of an
/// inner list (the <c>@signature-params</c> line). Strict: anything outside the grammar is an error with its position.
/// </summary>
public static class StructuredFields
{
    /// <summary>Parses a dictionary; each member value is an <see cref="SfItem"/> or an <see cref="SfInnerList"/>. Duplicate keys are refused.</summary>
    public static bool TryParseDictionary(string? text, out IReadOnlyList<KeyValuePair<string, object>> members, out string error)
    {
        members = [];
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty structured field";
            return false;
        }
        var parser = new Parser(text);
        try
        {
            members = parser.Dictionary();
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    public static string Serialize(SfInnerList list)
    {
        var sb = new StringBuilder("(");
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            AppendBareItem(sb, list.Items[i].Value);
            AppendParameters(sb, list.Items[i].Parameters);
        }
        sb.Append(')');
        AppendParameters(sb, list.Parameters);
        return sb.ToString();
    }

    private static void AppendParameters(StringBuilder sb, IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        foreach (var (key, value) in parameters)
        {
            sb.Append(';').Append(key);
            if (value is not true)
            {
                sb.Append('=');
                AppendBareItem(sb, value);
            }
        }
    }

    private static void AppendBareItem(StringBuilder sb, object value)
    {
        switch (value)
        {
            case string s:
                sb.Append('"').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case decimal d:
                sb.Append(d.ToString("0.0##", CultureInfo.InvariantCulture));
                break;
            case bool b:
                sb.Append(b ? "?1" : "?0");
                break;
            case byte[] bytes:
                sb.Append(':').Append(Convert.ToBase64String(bytes)).Append(':');
                break;
            case SfToken token:
                sb.Append(token.Value);
                break;
            default:
                throw new ArgumentException($"not a structured field value: {value.GetType().Name}", nameof(value));
        }
    }

    private sealed class Parser(string text)
    {
        private int _i;

        private bool End => _i >= text.Length;
        private char Current => text[_i];

        private FormatException Error(string what) => new($"{what} at position {_i} of the structured field");

        public List<KeyValuePair<string, object>> Dictionary()
        {
            var members = new List<KeyValuePair<string, object>>();
            SkipSpaces();
            while (true)
            {
                var key = Key();
                object value;
                if (!End && Current == '=')
                {
                    _i++;
                    value = !End && Current == '(' ? InnerList() : Item();
                }
                else
                {
                    value = new SfItem(true, Parameters());
                }
                if (members.Any(m => m.Key == key))
                {
                    throw Error($"duplicate member '{key}'");
                }
                members.Add(new(key, value));
                SkipWhitespace();
                if (End)
                {
                    return members;
                }
                if (Current != ',')
                {
                    throw Error("expected ','");
                }
                _i++;
                SkipWhitespace();
                if (End)
                {
                    throw Error("trailing ','");
                }
            }
        }

        private SfInnerList InnerList()
        {
            _i++; // '('
            var items = new List<SfItem>();
            while (true)
            {
                SkipSpaces();
                if (End)
                {
                    throw Error("unterminated inner list");
                }
                if (Current == ')')
                {
                    _i++;
                    return new SfInnerList(items, Parameters());
                }
                items.Add(Item());
                if (!End && Current != ' ' && Current != ')')
                {
                    throw Error("expected ' ' or ')' in an inner list");
                }
            }
        }

        private SfItem Item() => new(BareItem(), Parameters());

        private List<KeyValuePair<string, object>> Parameters()
        {
            var parameters = new List<KeyValuePair<string, object>>();
            while (!End && Current == ';')
            {
                _i++;
                SkipSpaces();
                var key = Key();
                object value = true;
                if (!End && Current == '=')
                {
                    _i++;
                    value = BareItem();
                }
                parameters.RemoveAll(p => p.Key == key);
                parameters.Add(new(key, value));
            }
            return parameters;
        }

        private string Key()
        {
            var start = _i;
            if (End || !(char.IsAsciiLetterLower(Current) || Current == '*'))
            {
                throw Error("expected a key");
            }
            while (!End && (char.IsAsciiLetterLower(Current) || char.IsAsciiDigit(Current) || Current is '_' or '-' or '.' or '*'))
            {
                _i++;
            }
            return text[start.._i];
        }

        private object BareItem()
        {
            if (End)
            {
                throw Error("expected a value");
            }
            var c = Current;
            if (c == '-' || char.IsAsciiDigit(c))
            {
                return Number();
            }
            if (c == '"')
            {
                return String();
            }
            if (c == ':')
            {
                return Bytes();
            }
            if (c == '?')
            {
                _i++;
                if (End || Current is not ('0' or '1'))
                {
                    throw Error("expected ?0 or ?1");
                }
                return text[_i++] == '1';
            }
            if (char.IsAsciiLetter(c) || c == '*')
            {
                var start = _i;
                while (!End && (char.IsAsciiLetterOrDigit(Current) || "!#$%&'*+-.^_`|~:/".Contains(Current, StringComparison.Ordinal)))
                {
                    _i++;
                }
                return new SfToken(text[start.._i]);
            }
            throw Error($"unexpected '{c}'");
        }

        private object Number()
        {
            var start = _i;
            if (Current == '-')
            {
                _i++;
            }
            while (!End && (char.IsAsciiDigit(Current) || Current == '.'))
            {
                _i++;
            }
            var number = text[start.._i];
            if (number.Contains('.', StringComparison.Ordinal))
            {
                return decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && number.Length <= 17
                    ? d
                    : throw Error($"invalid decimal '{number}'");
            }
            return number.Length <= 16 && long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? l
                : throw Error($"invalid integer '{number}'");
        }

        private string String()
        {
            _i++; // '"'
            var sb = new StringBuilder();
            while (!End)
            {
                var c = text[_i++];
                if (c == '"')
                {
                    return sb.ToString();
                }
                if (c == '\\')
                {
                    if (End || Current is not ('"' or '\\'))
                    {
                        throw Error("invalid escape in a string");
                    }
                    c = text[_i++];
                }
                else if (c < 0x20 || c > 0x7E)
                {
                    throw Error("invalid character in a string");
                }
                sb.Append(c);
            }
            throw Error("unterminated string");
        }

        private byte[] Bytes()
        {
            _i++; // ':'
            var end = text.IndexOf(':', _i);
            if (end < 0)
            {
                throw Error("unterminated byte sequence");
            }
            var encoded = text[_i..end];
            _i = end + 1;
            try
            {
                return Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw Error("byte sequence is not base64");
            }
        }

        private void SkipSpaces()
        {
            while (!End && Current == ' ')
            {
                _i++;
            }
        }

        private void SkipWhitespace()
        {
            while (!End && Current is ' ' or '\t')
            {
                _i++;
            }
        }
    }
}
