using System.Numerics;

namespace VideoPlatform.Core.Domain;

/// <summary>
/// PeerTube's short UUIDs: the UUID's 128 bits written in the Flickr base-58 alphabet, padded to 22 characters
/// (the short-uuid library with its default, consistent length).
/// </summary>
public static class ShortUuid
{
    private const string Alphabet = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    private const int Length = 22;

    public static string FromUuid(Guid uuid)
    {
        var value = new BigInteger(Convert.FromHexString(uuid.ToString("N")), isUnsigned: true, isBigEndian: true);
        var chars = new char[Length];
        var position = Length;
        while (value > 0 && position > 0)
        {
            value = BigInteger.DivRem(value, 58, out var remainder);
            chars[--position] = Alphabet[(int)remainder];
        }
        while (position > 0)
        {
            chars[--position] = Alphabet[0];
        }
        return new string(chars);
    }

    public static bool TryToUuid(string shortUuid, out Guid uuid)
    {
        uuid = Guid.Empty;
        if (shortUuid.Length is 0 or > Length)
        {
            return false;
        }
        BigInteger value = 0;
        foreach (var c in shortUuid)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }
            value = (value * 58) + digit;
        }
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length > 16)
        {
            return false;
        }
        var padded = new byte[16];
        bytes.CopyTo(padded, 16 - bytes.Length);
        uuid = Guid.Parse(Convert.ToHexString(padded));
        return true;
    }
}
