using System.Text;
using VideoPlatform.P2P.Bencode;

namespace VideoPlatform.P2P.Metainfo;

/// <summary>A parsed single-file v1 torrent. <see cref="RawInfo"/> is the exact info dictionary bytes (served over BEP 9).</summary>
public sealed class TorrentMetainfo
{
    public required InfoHash InfoHash { get; init; }

    public required ReadOnlyMemory<byte> RawInfo { get; init; }

    public required string Name { get; init; }

    public required long Length { get; init; }

    public required int PieceLength { get; init; }

    /// <summary>Concatenated 20-byte SHA-1 piece hashes.</summary>
    public required ReadOnlyMemory<byte> PieceHashes { get; init; }

    public int PieceCount => PieceHashes.Length / InfoHash.Length;

    public string? Announce { get; init; }

    public IReadOnlyList<IReadOnlyList<string>> AnnounceList { get; init; } = [];

    public IReadOnlyList<string> UrlList { get; init; } = [];

    public string? Comment { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public int GetPieceSize(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PieceCount);
        return index == PieceCount - 1 ? (int)(Length - ((long)index * PieceLength)) : PieceLength;
    }

    public ReadOnlySpan<byte> GetPieceHash(int index) => PieceHashes.Span.Slice(index * InfoHash.Length, InfoHash.Length);

    public static TorrentMetainfo Parse(ReadOnlyMemory<byte> torrentFile)
    {
        var root = BencodeDecoder.DecodeDictionary(torrentFile);
        if (root["info"] is not BDictionary info)
        {
            throw new BencodeException("Torrent has no info dictionary", 0);
        }

        var metainfo = ParseInfo(info.Raw);
        return new TorrentMetainfo
        {
            InfoHash = metainfo.InfoHash,
            RawInfo = metainfo.RawInfo,
            Name = metainfo.Name,
            Length = metainfo.Length,
            PieceLength = metainfo.PieceLength,
            PieceHashes = metainfo.PieceHashes,
            Announce = root.GetText("announce"),
            AnnounceList = root["announce-list"] is BList tiers
                ? tiers.Items.OfType<BList>().Select(t => (IReadOnlyList<string>)t.Items.OfType<BString>().Select(s => s.Text).ToList()).ToList()
                : [],
            UrlList = root["url-list"] switch
            {
                BString one => [one.Text],
                BList many => many.Items.OfType<BString>().Select(s => s.Text).ToList(),
                _ => [],
            },
            Comment = root.GetText("comment"),
            CreatedBy = root.GetText("created by"),
            CreationDate = root.GetInteger("creation date") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
        };
    }

    /// <summary>Parses a bare info dictionary (e.g. one assembled from BEP 9 metadata pieces).</summary>
    public static TorrentMetainfo ParseInfo(ReadOnlyMemory<byte> rawInfo)
    {
        var info = BencodeDecoder.DecodeDictionary(rawInfo);
        if (info["files"] is not null)
        {
            throw new BencodeException("Multi-file torrents are not supported", 0);
        }

        var name = info["name"] as BString ?? throw new BencodeException("info.name missing", 0);
        var length = info.GetInteger("length") ?? throw new BencodeException("info.length missing", 0);
        var pieceLength = info.GetInteger("piece length") ?? throw new BencodeException("info.piece length missing", 0);
        var pieces = info["pieces"] as BString ?? throw new BencodeException("info.pieces missing", 0);
        if (length < 0 || pieceLength <= 0 || pieceLength > int.MaxValue || pieces.Bytes.Length % InfoHash.Length != 0)
        {
            throw new BencodeException("Inconsistent info dictionary", 0);
        }

        var expectedPieces = length == 0 ? 0 : ((length - 1) / pieceLength) + 1;
        if (pieces.Bytes.Length / InfoHash.Length != expectedPieces)
        {
            throw new BencodeException("Piece count does not match length", 0);
        }

        return new TorrentMetainfo
        {
            InfoHash = InfoHash.Sha1Of(rawInfo.Span),
            RawInfo = rawInfo,
            Name = Encoding.UTF8.GetString(name.Bytes.Span),
            Length = length,
            PieceLength = (int)pieceLength,
            PieceHashes = pieces.Bytes,
        };
    }
}
