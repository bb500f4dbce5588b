namespace VideoPlatform.P2P.Bencode;

/// <summary>Malformed or non-canonical bencoded input; <see cref="Offset"/> is where decoding stopped.</summary>
public sealed class BencodeException : Exception
{
    public BencodeException(string message, int offset)
        : base($"{message} (at byte {offset})")
    {
        Offset = offset;
    }

    public BencodeException()
    {
    }

    public BencodeException(string message)
        : base(message)
    {
    }

    public BencodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Offset { get; } = -1;
}
