using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Media;

/// <summary>
/// PeerTube's <c>videoFileToken</c>: a short-lived token that opens one private video's media files, so that a player
/// can fetch segments without sending the user's bearer token. Signed with HMAC-SHA256 under a key kept in the media
/// store, which every process of the instance (web and workers) shares.
/// </summary>
public sealed class VideoFileTokens
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public VideoFileTokens(MediaStore store, TimeProvider clock)
    {
        _clock = clock;
        var path = store.KeyPath("video-file-token.key");
        // Created once for the whole instance: processes starting together all end up with the same key.
        _key = store.ReadOrCreate(path, () => RandomNumberGenerator.GetBytes(32));
        if (_key.Length != 32)
        {
            throw new InvalidOperationException($"{path} is not a 32-byte key.");
        }
    }

    public (string Token, DateTimeOffset Expires) Issue(string videoUuid)
    {
        var expires = _clock.GetUtcNow().Add(Lifetime);
        var expiresMs = expires.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return ($"{expiresMs}.{Sign(videoUuid, expiresMs)}", DateTimeOffset.FromUnixTimeMilliseconds(expires.ToUnixTimeMilliseconds()));
    }

    public bool IsValid(string? token, string videoUuid)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return false;
        }
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expiresMs)
            || expiresMs < _clock.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(videoUuid, token[..dot]));
        var given = Encoding.ASCII.GetBytes(token[(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Sign(string videoUuid, string expiresMs) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{videoUuid}|{expiresMs}")));
}
