using System.Text;

namespace VideoPlatform.P2P.Bencode;

/// <summary>A decoded bencode value. <see cref="Raw"/> is the exact source bytes it was decoded from (empty for values built in code).</summary>
public abstract class BValue
{
    public ReadOnlyMemory<byte> Raw { get; internal set; }
}

public sealed class BString : BValue
{
    public BString(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    public BString(string text) => Bytes = Encoding.UTF8.GetBytes(text);

    public ReadOnlyMemory<byte> Bytes { get; }

    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    public override string ToString() => Text;
}

public sealed class BInteger : BValue
{
    public BInteger(long value) => Value = value;

    public long Value { get; }

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class BList : BValue
{
    public BList(IReadOnlyList<BValue> items) => Items = items;

    public IReadOnlyList<BValue> Items { get; }
}

/// <summary>Entries are kept in canonical (raw byte) key order; decoded input is required to be in that order already.</summary>
public sealed class BDictionary : BValue
{
    private readonly List<KeyValuePair<byte[], BValue>> _entries;

    public BDictionary()
        : this([])
    {
    }

    internal BDictionary(List<KeyValuePair<byte[], BValue>> sortedEntries) => _entries = sortedEntries;

    public IReadOnlyList<KeyValuePair<byte[], BValue>> Entries => _entries;

    public int Count => _entries.Count;

    public BValue? this[string key] => TryGetValue(Encoding.UTF8.GetBytes(key), out var value) ? value : null;

    public bool TryGetValue(ReadOnlySpan<byte> key, out BValue value)
    {
        var index = Find(key);
        if (index >= 0)
        {
            value = _entries[index].Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Adds or replaces, keeping canonical order.</summary>
    public BDictionary Set(string key, BValue value) => Set(Encoding.UTF8.GetBytes(key), value);

    public BDictionary Set(byte[] key, BValue value)
    {
        var index = Find(key);
        if (index >= 0)
        {
            _entries[index] = new(key, value);
        }
        else
        {
            _entries.Insert(~index, new(key, value));
        }

        return this;
    }

    public BDictionary Set(string key, string value) => Set(key, new BString(value));

    public BDictionary Set(string key, long value) => Set(key, new BInteger(value));

    public string? GetText(string key) => this[key] is BString s ? s.Text : null;

    public long? GetInteger(string key) => this[key] is BInteger i ? i.Value : null;

    private int Find(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _entries.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = _entries[mid].Key.AsSpan().SequenceCompareTo(key);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
