using System.Buffers.Binary;
using System.Text;

namespace VideoPlatform.Transcoder.Live.Rtmp;

/// <summary>An AMF0 object or ECMA array: named values in their order.</summary>
public sealed class AmfObject : List<KeyValuePair<string, object?>>
{
    /// <summary>Written as an ECMA array (marker 8, as onMetaData) rather than an anonymous object (marker 3).</summary>
    public bool IsEcmaArray { get; init; }

    public object? this[string name]
    {
        get => this.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.Ordinal)).Value;
    }

    public void Add(string name, object? value) => Add(new KeyValuePair<string, object?>(name, value));

    public double? Number(string name) => this[name] is double d ? d : null;

    public string? String(string name) => this[name] as string;
}

/// <summary>AMF0 "undefined" (marker 6), as distinct from null (marker 5).</summary>
public sealed class AmfUndefined
{
    public static readonly AmfUndefined Value = new();

    private AmfUndefined()
    {
    }
}

/// <summary>
/// AMF0 (Adobe's Action Message Format 0) values, as RTMP commands and FLV script tags carry them: number (double),
/// boolean, string, long string, object, null, undefined, ECMA array, strict array and date. Decoded as double, bool,
/// string, <see cref="AmfObject"/>, null, <see cref="AmfUndefined"/>, object?[] and DateTimeOffset.
/// </summary>
public static class Amf0
{
    private const byte NumberMarker = 0x00;
    private const byte BooleanMarker = 0x01;
    private const byte StringMarker = 0x02;
    private const byte ObjectMarker = 0x03;
    private const byte NullMarker = 0x05;
    private const byte UndefinedMarker = 0x06;
    private const byte ReferenceMarker = 0x07;
    private const byte EcmaArrayMarker = 0x08;
    private const byte ObjectEndMarker = 0x09;
    private const byte StrictArrayMarker = 0x0A;
    private const byte DateMarker = 0x0B;
    private const byte LongStringMarker = 0x0C;

    /// <summary>Objects nested deeper than this are refused (a stream of 0x03 bytes must not exhaust the stack).</summary>
    public const int MaxDepth = 16;

    /// <summary>Every value of the payload, in order.</summary>
    public static List<object?> DecodeAll(ReadOnlySpan<byte> payload)
    {
        var values = new List<object?>();
        var offset = 0;
        while (offset < payload.Length)
        {
            values.Add(Decode(payload, ref offset, 0));
        }
        return values;
    }

    public static object? Decode(ReadOnlySpan<byte> data, ref int offset, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RtmpProtocolException("AMF0 values are nested too deeply.");
        }
        var marker = Take(data, ref offset, 1)[0];
        switch (marker)
        {
            case NumberMarker:
                return BinaryPrimitives.ReadDoubleBigEndian(Take(data, ref offset, 8));
            case BooleanMarker:
                return Take(data, ref offset, 1)[0] != 0;
            case StringMarker:
                return ReadString(data, ref offset);
            case LongStringMarker:
                {
                    var length = BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref offset, 4));
                    if (length > int.MaxValue)
                    {
                        throw new RtmpProtocolException("An AMF0 long string is longer than the message.");
                    }
                    return Encoding.UTF8.GetString(Take(data, ref offset, (int)length));
                }
            case ObjectMarker:
                return ReadProperties(data, ref offset, depth, new AmfObject());
            case EcmaArrayMarker:
                Take(data, ref offset, 4); // the count is a hint; the properties end with the object end marker
                return ReadProperties(data, ref offset, depth, new AmfObject { IsEcmaArray = true });
            case StrictArrayMarker:
                {
                    var count = BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref offset, 4));
                    if (count > (uint)(data.Length - offset))
                    {
                        throw new RtmpProtocolException("An AMF0 strict array counts more values than the message holds.");
                    }
                    var items = new object?[count];
                    for (var i = 0; i < items.Length; i++)
                    {
                        items[i] = Decode(data, ref offset, depth + 1);
                    }
                    return items;
                }
            case DateMarker:
                {
                    var ms = BinaryPrimitives.ReadDoubleBigEndian(Take(data, ref offset, 8));
                    Take(data, ref offset, 2); // time zone, unused by the format
                    return double.IsFinite(ms) && Math.Abs(ms) < 8.64e15 ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : throw new RtmpProtocolException("An AMF0 date is out of range.");
                }
            case NullMarker:
                return null;
            case UndefinedMarker:
                return AmfUndefined.Value;
            case ReferenceMarker:
                throw new RtmpProtocolException("AMF0 references are not supported.");
            default:
                throw new RtmpProtocolException($"Unknown AMF0 type marker 0x{marker:x2}.");
        }
    }

    private static AmfObject ReadProperties(ReadOnlySpan<byte> data, ref int offset, int depth, AmfObject target)
    {
        while (true)
        {
            var name = ReadString(data, ref offset);
            if (name.Length == 0 && offset < data.Length && data[offset] == ObjectEndMarker)
            {
                offset++;
                return target;
            }
            target.Add(name, Decode(data, ref offset, depth + 1));
        }
    }

    private static string ReadString(ReadOnlySpan<byte> data, ref int offset)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref offset, 2));
        return Encoding.UTF8.GetString(Take(data, ref offset, length));
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, ref int offset, int count)
    {
        if (count < 0 || data.Length - offset < count)
        {
            throw new RtmpProtocolException("An AMF0 value is cut short.");
        }
        var slice = data.Slice(offset, count);
        offset += count;
        return slice;
    }

    public static byte[] Encode(params object?[] values)
    {
        using var stream = new MemoryStream();
        foreach (var value in values)
        {
            Write(stream, value);
        }
        return stream.ToArray();
    }

    public static void Write(Stream stream, object? value)
    {
        Span<byte> buffer = stackalloc byte[8];
        switch (value)
        {
            case null:
                stream.WriteByte(NullMarker);
                break;
            case AmfUndefined:
                stream.WriteByte(UndefinedMarker);
                break;
            case bool b:
                stream.WriteByte(BooleanMarker);
                stream.WriteByte(b ? (byte)1 : (byte)0);
                break;
            case double or int or long or uint:
                stream.WriteByte(NumberMarker);
                BinaryPrimitives.WriteDoubleBigEndian(buffer, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                stream.Write(buffer);
                break;
            case string s:
                {
                    var bytes = Encoding.UTF8.GetBytes(s);
                    if (bytes.Length > ushort.MaxValue)
                    {
                        stream.WriteByte(LongStringMarker);
                        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)bytes.Length);
                        stream.Write(buffer[..4]);
                    }
                    else
                    {
                        stream.WriteByte(StringMarker);
                        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)bytes.Length);
                        stream.Write(buffer[..2]);
                    }
                    stream.Write(bytes);
                    break;
                }
            case AmfObject o:
                if (o.IsEcmaArray)
                {
                    stream.WriteByte(EcmaArrayMarker);
                    BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)o.Count);
                    stream.Write(buffer[..4]);
                }
                else
                {
                    stream.WriteByte(ObjectMarker);
                }
                foreach (var (name, item) in o)
                {
                    WriteName(stream, name);
                    Write(stream, item);
                }
                stream.Write([0, 0, ObjectEndMarker]);
                break;
            case object?[] array:
                stream.WriteByte(StrictArrayMarker);
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)array.Length);
                stream.Write(buffer[..4]);
                foreach (var item in array)
                {
                    Write(stream, item);
                }
                break;
            case DateTimeOffset date:
                stream.WriteByte(DateMarker);
                BinaryPrimitives.WriteDoubleBigEndian(buffer, date.ToUnixTimeMilliseconds());
                stream.Write(buffer);
                stream.Write([0, 0]);
                break;
            default:
                throw new ArgumentException($"AMF0 cannot encode a {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteName(Stream stream, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)bytes.Length));
        stream.Write(length);
        stream.Write(bytes);
    }
}
