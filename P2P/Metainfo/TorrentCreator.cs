using System.Buffers;
using System.Security.Cryptography;
using VideoPlatform.P2P.Bencode;

namespace VideoPlatform.P2P.Metainfo;

public sealed record TorrentCreateOptions
{
    /// <summary>info.name: the file name a client saves to (PeerTube keeps the extension).</summary>
    public required string Name { get; init; }

    /// <summary>HTTP tracker, e.g. https://host/tracker/announce.</summary>
    public string? HttpTrackerUrl { get; init; }

    /// <summary>WebSocket tracker, e.g. wss://host/tracker/socket.</summary>
    public string? WebSocketTrackerUrl { get; init; }

    /// <summary>Web seeds (BEP 19 url-list): the rendition's HTTP URL.</summary>
    public IReadOnlyList<string> WebSeeds { get; init; } = [];

    public string? Comment { get; init; }

    public string CreatedBy { get; init; } = "VideoPlatform";

    public DateTimeOffset? CreationDate { get; init; }

    /// <summary>Null chooses with <see cref="Metainfo.PieceLength.Choose"/>.</summary>
    public int? PieceLength { get; init; }
}

public sealed record CreatedTorrent(byte[] TorrentFile, TorrentMetainfo Metainfo)
{
    public InfoHash InfoHash => Metainfo.InfoHash;
}

/// <summary>Builds single-file v1 torrents by streaming the content once; hashing holds no lock and shares no state.</summary>
public static class TorrentCreator
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "BitTorrent v1 piece hashes are SHA-1")]
    public static async Task<CreatedTorrent> CreateAsync(Stream content, long length, TorrentCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var pieceLength = options.PieceLength ?? PieceLength.Choose(length);
        if (pieceLength < 16 * 1024 || (pieceLength & (pieceLength - 1)) != 0)
        {
            throw new ArgumentException("Piece length must be a power of two of at least 16 KiB", nameof(options));
        }

        var pieceCount = length == 0 ? 0 : (int)(((length - 1) / pieceLength) + 1);
        var pieces = new byte[pieceCount * InfoHash.Length];
        var buffer = ArrayPool<byte>.Shared.Rent(pieceLength);
        try
        {
            long remaining = length;
            for (var i = 0; i < pieceCount; i++)
            {
                var size = (int)Math.Min(pieceLength, remaining);
                await content.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken);
                SHA1.HashData(buffer.AsSpan(0, size), pieces.AsSpan(i * InfoHash.Length, InfoHash.Length));
                remaining -= size;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var info = Bencoding.Encode(w =>
        {
            w.WriteStartDictionary();
            w.WriteKey("length");
            w.WriteInteger(length);
            w.WriteKey("name");
            w.WriteString(options.Name);
            w.WriteKey("piece length");
            w.WriteInteger(pieceLength);
            w.WriteKey("pieces");
            w.WriteString(pieces);
            w.WriteEnd();
        });

        // HTTP first: desktop clients try tiers in order and cannot use the WebSocket tracker (losing seconds on it);
        // WebTorrent clients pick the ws:// and wss:// trackers from any tier.
        var trackers = new[] { options.HttpTrackerUrl, options.WebSocketTrackerUrl }.OfType<string>().ToList();
        var file = Bencoding.Encode(w =>
        {
            w.WriteStartDictionary();
            if (trackers.Count > 0)
            {
                w.WriteKey("announce");
                w.WriteString(trackers[0]);
                w.WriteKey("announce-list");
                w.WriteStartList();
                foreach (var tracker in trackers)
                {
                    // One tier per tracker, as PeerTube does: clients try both kinds.
                    w.WriteStartList();
                    w.WriteString(tracker);
                    w.WriteEnd();
                }

                w.WriteEnd();
            }

            if (options.Comment is not null)
            {
                w.WriteKey("comment");
                w.WriteString(options.Comment);
            }

            w.WriteKey("created by");
            w.WriteString(options.CreatedBy);
            if (options.CreationDate is { } created)
            {
                w.WriteKey("creation date");
                w.WriteInteger(created.ToUnixTimeSeconds());
            }

            w.WriteKey("info");
            w.WriteRawValue(info);
            if (options.WebSeeds.Count > 0)
            {
                w.WriteKey("url-list");
                w.WriteStartList();
                foreach (var seed in options.WebSeeds)
                {
                    w.WriteString(seed);
                }

                w.WriteEnd();
            }

            w.WriteEnd();
        });

        return new CreatedTorrent(file, TorrentMetainfo.Parse(file));
    }

    public static async Task<CreatedTorrent> CreateFromFileAsync(string path, TorrentCreateOptions options, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await CreateAsync(stream, stream.Length, options, cancellationToken);
        }
    }
}
