namespace VideoPlatform.P2P.Hls;

/// <summary>
/// An HLS attribute list (RFC 8216 section 4.2), the one parser of the code base: <c>NAME=value</c> pairs separated by
/// commas, names of A-Z, 0-9 and '-', values either quoted (commas allowed inside, quotes removed) or running to the
/// next comma. Anything else is a <see cref="FormatException"/> that says what and where: a playlist we cannot read
/// exactly is not guessed at.
/// </summary>
public static class HlsAttributeList
{
    public static IReadOnlyDictionary<string, string> Parse(string list)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < list.Length)
        {
            var eq = list.IndexOf('=', i);
            var comma = list.IndexOf(',', i);
            if (eq < 0 || comma >= 0 && comma < eq)
            {
                throw Error(list, i, "an attribute has no '='");
            }
            var name = list[i..eq];
            if (name.Length == 0 || !name.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-'))
            {
                throw Error(list, i, $"'{name}' is not an attribute name (A-Z, 0-9, '-')");
            }
            string value;
            if (eq + 1 < list.Length && list[eq + 1] == '"')
            {
                var close = list.IndexOf('"', eq + 2);
                if (close < 0)
                {
                    throw Error(list, eq + 1, $"the quoted value of {name} is not closed");
                }
                value = list[(eq + 2)..close];
                i = close + 1;
                if (i < list.Length && list[i] != ',')
                {
                    throw Error(list, i, $"the quoted value of {name} is followed by text");
                }
            }
            else
            {
                var end = comma < 0 ? list.Length : comma;
                value = list[(eq + 1)..end];
                if (value.Length == 0)
                {
                    throw Error(list, eq, $"{name} has no value");
                }
                i = end;
            }
            if (!attributes.TryAdd(name, value))
            {
                throw Error(list, eq, $"{name} appears twice");
            }
            if (i < list.Length)
            {
                // At a comma: another attribute must follow.
                i++;
                if (i == list.Length)
                {
                    throw Error(list, i, "the list ends with a comma");
                }
            }
        }
        return attributes;
    }

    private static FormatException Error(string list, int position, string problem) =>
        new($"Invalid HLS attribute list at character {position}: {problem} in '{list}'.");
}
