namespace VideoPlatform.P2P.Metainfo;

/// <summary>
/// PeerTube leaves the choice to create-torrent, whose rule is "about 1024 pieces": the power of two nearest to
/// size / 1024, at least 16 KiB. We keep that rule and cap at 16 MiB so huge files stay friendly to clients.
/// </summary>
public static class PieceLength
{
    public const int Min = 16 * 1024;
    public const int Max = 16 * 1024 * 1024;

    public static int Choose(long fileSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fileSize);
        var perPiece = fileSize < 1024 ? 1.0 : fileSize / 1024.0;
        var exponent = (int)Math.Round(Math.Log2(perPiece), MidpointRounding.AwayFromZero);
        var length = exponent >= 30 ? Max : 1 << Math.Max(exponent, 0);
        return Math.Clamp(length, Min, Max);
    }
}
