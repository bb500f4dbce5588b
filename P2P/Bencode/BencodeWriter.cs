using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace VideoPlatform.P2P.Bencode;

/// <summary>
/// Streaming encoder into an <see cref="IBufferWriter{T}"/>. Dictionary keys written through
/// <see cref="WriteKey(ReadOnlySpan{byte})"/> must arrive in canonical order; an out-of-order key throws,
/// so a hand-written info dictionary can never produce a different info hash than its decoded form.
/// </summary>
public sealed class BencodeWriter
{
    private readonly IBufferWriter<byte> _output;
    private readonly Stack<Container> _stack = new();

    public BencodeWriter(IBufferWriter<byte> output) => _output = output;

    public void WriteInteger(long value)
    {
        BeforeValue();
        var span = _output.GetSpan(22);
        if (!Bencoding.TryWriteInteger(span, value, out var written))
        {
            throw new InvalidOperationException("Buffer writer returned a too small span");
        }

        _output.Advance(written);
    }

    public void WriteString(string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            WriteString(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void WriteString(ReadOnlySpan<byte> value)
    {
        BeforeValue();
        WriteRawString(value);
    }

    public void WriteStartList()
    {
        BeforeValue();
        WriteByte((byte)'l');
        _stack.Push(new Container(false));
    }

    public void WriteStartDictionary()
    {
        BeforeValue();
        WriteByte((byte)'d');
        _stack.Push(new Container(true));
    }

    public void WriteEnd()
    {
        if (!_stack.TryPop(out var top))
        {
            throw new InvalidOperationException("No open list or dictionary");
        }

        if (top.IsDictionary && top.ExpectValue)
        {
            throw new InvalidOperationException("Dictionary key without a value");
        }

        WriteByte((byte)'e');
    }

    public void WriteKey(string key) => WriteKey(Encoding.UTF8.GetBytes(key));

    public void WriteKey(ReadOnlySpan<byte> key)
    {
        if (!_stack.TryPeek(out var top) || !top.IsDictionary || top.ExpectValue)
        {
            throw new InvalidOperationException("A key is only valid inside a dictionary, before a value");
        }

        if (top.LastKey is not null && top.LastKey.AsSpan().SequenceCompareTo(key) >= 0)
        {
            throw new InvalidOperationException($"Dictionary key '{Encoding.UTF8.GetString(key)}' is out of canonical order");
        }

        top.LastKey = key.ToArray();
        top.ExpectValue = true;
        WriteRawString(key);
    }

    /// <summary>Writes bytes that are already a complete bencoded value (e.g. a decoded info dictionary's <see cref="BValue.Raw"/>).</summary>
    public void WriteRawValue(ReadOnlySpan<byte> encodedValue)
    {
        BeforeValue();
        _output.Write(encodedValue);
    }

    public void WriteValue(BValue value)
    {
        switch (value)
        {
            case BInteger i:
                WriteInteger(i.Value);
                break;
            case BString s:
                WriteString(s.Bytes.Span);
                break;
            case BList l:
                WriteStartList();
                foreach (var item in l.Items)
                {
                    WriteValue(item);
                }

                WriteEnd();
                break;
            case BDictionary d:
                WriteStartDictionary();
                foreach (var (key, item) in d.Entries)
                {
                    WriteKey(key);
                    WriteValue(item);
                }

                WriteEnd();
                break;
            default:
                throw new ArgumentException($"Unknown value type {value.GetType().Name}", nameof(value));
        }
    }

    private void BeforeValue()
    {
        if (_stack.TryPeek(out var top) && top.IsDictionary)
        {
            if (!top.ExpectValue)
            {
                throw new InvalidOperationException("Dictionary value written without a key");
            }

            top.ExpectValue = false;
        }
    }

    private void WriteRawString(ReadOnlySpan<byte> value)
    {
        var span = _output.GetSpan(value.Length + 12);
        if (!Bencoding.TryWriteString(span, value, out var written))
        {
            throw new InvalidOperationException("Buffer writer returned a too small span");
        }

        _output.Advance(written);
    }

    private void WriteByte(byte b)
    {
        _output.GetSpan(1)[0] = b;
        _output.Advance(1);
    }

    private sealed class Container(bool isDictionary)
    {
        public bool IsDictionary { get; } = isDictionary;

        public bool ExpectValue { get; set; }

        public byte[]? LastKey { get; set; }
    }
}

/// <summary>Span-level encoding primitives and one-shot helpers.</summary>
public static class Bencoding
{
    public static bool TryWriteInteger(Span<byte> destination, long value, out int written)
    {
        written = 0;
        if (destination.Length < 2)
        {
            return false;
        }

        destination[0] = (byte)'i';
        if (!Utf8Formatter.TryFormat(value, destination[1..], out var digits) || destination.Length < digits + 2)
        {
            return false;
        }

        destination[digits + 1] = (byte)'e';
        written = digits + 2;
        return true;
    }

    public static bool TryWriteString(Span<byte> destination, ReadOnlySpan<byte> value, out int written)
    {
        written = 0;
        if (!Utf8Formatter.TryFormat(value.Length, destination, out var digits) || destination.Length < digits + 1 + value.Length)
        {
            return false;
        }

        destination[digits] = (byte)':';
        value.CopyTo(destination[(digits + 1)..]);
        written = digits + 1 + value.Length;
        return true;
    }

    public static byte[] Encode(BValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new BencodeWriter(buffer).WriteValue(value);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Encode(Action<BencodeWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new BencodeWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }
}
