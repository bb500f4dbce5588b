using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.Tracker;

/// <summary>A 20-byte BitTorrent peer id.</summary>
public readonly record struct PeerId(InfoHash Value)
{
    public PeerId(ReadOnlySpan<byte> bytes)
        : this(new InfoHash(bytes))
    {
    }

    public byte[] ToArray() => Value.ToArray();

    public override string ToString() => Value.ToHex();
}
