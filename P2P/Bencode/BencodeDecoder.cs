namespace VideoPlatform.P2P.Bencode;

public sealed record BencodeLimits(int MaxDepth = 32, int MaxStringLength = 64 * 1024 * 1024, int MaxItems = 1_000_000)
{
    public static BencodeLimits Default { get; } = new();
}

/// <summary>
/// Strict decoder: canonical (sorted, unique) dictionary keys, no leading zeros, no "-0", no trailing bytes,
/// bounded nesting and string length. Every failure is a <see cref="BencodeException"/> with the offending offset.
/// Decoded strings and <see cref="BValue.Raw"/> slice the input memory (no copies).
/// </summary>
public static class BencodeDecoder
{
    public static BValue Decode(ReadOnlyMemory<byte> input, BencodeLimits? limits = null)
    {
        var state = new State(input, limits ?? BencodeLimits.Default);
        var value = state.ReadValue(0);
        if (state.Position != input.Length)
        {
            throw new BencodeException("Trailing bytes after the root value", state.Position);
        }

        return value;
    }

    public static BDictionary DecodeDictionary(ReadOnlyMemory<byte> input, BencodeLimits? limits = null) =>
        Decode(input, limits) as BDictionary ?? throw new BencodeException("Root value is not a dictionary", 0);

    /// <summary>Decodes one value at the start of <paramref name="input"/> and reports how many bytes it took (BEP 9 appends raw data after a dictionary).</summary>
    public static BValue DecodePrefix(ReadOnlyMemory<byte> input, out int consumed, BencodeLimits? limits = null)
    {
        var state = new State(input, limits ?? BencodeLimits.Default);
        var value = state.ReadValue(0);
        consumed = state.Position;
        return value;
    }

    private struct State(ReadOnlyMemory<byte> input, BencodeLimits limits)
    {
        private readonly ReadOnlyMemory<byte> _input = input;
        private readonly BencodeLimits _limits = limits;
        private int _items;

        public int Position { get; private set; }

        public BValue ReadValue(int depth)
        {
            if (++_items > _limits.MaxItems)
            {
                throw new BencodeException("Too many values", Position);
            }

            var span = _input.Span;
            if (Position >= span.Length)
            {
                throw new BencodeException("Unexpected end of input", Position);
            }

            var start = Position;
            BValue value;
            switch (span[Position])
            {
                case (byte)'i':
                    value = new BInteger(ReadInteger());
                    break;
                case (byte)'l':
                    value = ReadList(depth);
                    break;
                case (byte)'d':
                    value = ReadDictionary(depth);
                    break;
                case >= (byte)'0' and <= (byte)'9':
                    value = new BString(ReadString());
                    break;
                default:
                    throw new BencodeException($"Unexpected byte 0x{span[Position]:x2}", Position);
            }

            value.Raw = _input[start..Position];
            return value;
        }

        private long ReadInteger()
        {
            var span = _input.Span;
            Position++; // 'i'
            var negative = false;
            if (Position < span.Length && span[Position] == (byte)'-')
            {
                negative = true;
                Position++;
            }

            var digitsStart = Position;
            ulong magnitude = 0;
            while (Position < span.Length && span[Position] is >= (byte)'0' and <= (byte)'9')
            {
                if (Position > digitsStart && span[digitsStart] == (byte)'0')
                {
                    throw new BencodeException("Integer with a leading zero", digitsStart);
                }

                var digit = (ulong)(span[Position] - '0');
                if (magnitude > (ulong.MaxValue - digit) / 10)
                {
                    throw new BencodeException("Integer overflow", Position);
                }

                magnitude = (magnitude * 10) + digit;
                Position++;
            }

            if (Position == digitsStart)
            {
                throw new BencodeException("Integer without digits", Position);
            }

            if (Position >= span.Length)
            {
                throw new BencodeException("Unterminated integer", Position);
            }

            if (span[Position] != (byte)'e')
            {
                throw new BencodeException($"Unexpected byte 0x{span[Position]:x2} in integer", Position);
            }

            if (negative && magnitude == 0)
            {
                throw new BencodeException("Negative zero", digitsStart - 1);
            }

            var limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
            if (magnitude > limit)
            {
                throw new BencodeException("Integer overflow", digitsStart);
            }

            Position++;
            return negative ? (long)(0 - magnitude) : (long)magnitude;
        }

        private ReadOnlyMemory<byte> ReadString()
        {
            var span = _input.Span;
            var lengthStart = Position;
            long length = 0;
            while (Position < span.Length && span[Position] is >= (byte)'0' and <= (byte)'9')
            {
                if (Position > lengthStart && span[lengthStart] == (byte)'0')
                {
                    throw new BencodeException("String length with a leading zero", lengthStart);
                }

                length = (length * 10) + (span[Position] - '0');
                if (length > _limits.MaxStringLength)
                {
                    throw new BencodeException("String too long", lengthStart);
                }

                Position++;
            }

            if (Position >= span.Length)
            {
                throw new BencodeException("Unterminated string length", Position);
            }

            if (span[Position] != (byte)':')
            {
                throw new BencodeException($"Unexpected byte 0x{span[Position]:x2} in string length", Position);
            }

            Position++;
            if (length > span.Length - Position)
            {
                throw new BencodeException("String runs past the end of input", lengthStart);
            }

            var bytes = _input.Slice(Position, (int)length);
            Position += (int)length;
            return bytes;
        }

        private BList ReadList(int depth)
        {
            var listStart = Position;
            if (depth + 1 > _limits.MaxDepth)
            {
                throw new BencodeException("Nesting too deep", listStart);
            }

            Position++;
            var items = new List<BValue>();
            while (true)
            {
                if (Position >= _input.Length)
                {
                    throw new BencodeException("Unterminated list", Position);
                }

                if (_input.Span[Position] == (byte)'e')
                {
                    Position++;
                    return new BList(items);
                }

                items.Add(ReadValue(depth + 1));
            }
        }

        private BDictionary ReadDictionary(int depth)
        {
            var dictStart = Position;
            if (depth + 1 > _limits.MaxDepth)
            {
                throw new BencodeException("Nesting too deep", dictStart);
            }

            Position++;
            var entries = new List<KeyValuePair<byte[], BValue>>();
            ReadOnlyMemory<byte> previous = default;
            while (true)
            {
                if (Position >= _input.Length)
                {
                    throw new BencodeException("Unterminated dictionary", Position);
                }

                var b = _input.Span[Position];
                if (b == (byte)'e')
                {
                    Position++;
                    return new BDictionary(entries);
                }

                if (b is < (byte)'0' or > (byte)'9')
                {
                    throw new BencodeException("Dictionary key is not a string", Position);
                }

                var keyStart = Position;
                var key = ReadString();
                if (entries.Count > 0)
                {
                    var order = previous.Span.SequenceCompareTo(key.Span);
                    if (order == 0)
                    {
                        throw new BencodeException("Duplicate dictionary key", keyStart);
                    }

                    if (order > 0)
                    {
                        throw new BencodeException("Dictionary keys not sorted", keyStart);
                    }
                }

                previous = key;
                if (++_items > _limits.MaxItems)
                {
                    throw new BencodeException("Too many values", keyStart);
                }

                var value = ReadValue(depth + 1);
                entries.Add(new(key.ToArray(), value));
            }
        }
    }
}
