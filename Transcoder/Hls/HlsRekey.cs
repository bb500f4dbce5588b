namespace VideoPlatform.Transcoder.Hls;

/// <summary>
/// The pure part of a re-key: a transcode names every HLS file of a video <c>{id}-…</c> with one random id (master,
/// media playlists, fragmented MP4s, segments-sha256.json), and the playlists and the hash file refer to each other by
/// those names. Re-keying swaps the id in the names and in the text of the files that name others.
/// </summary>
public static class HlsRekey
{
    private const string MasterSuffix = "-master.m3u8";

    /// <summary>The id shared by a transcode's file names, read from its master playlist name.</summary>
    public static string IdOf(string masterName) =>
        masterName.EndsWith(MasterSuffix, StringComparison.Ordinal) && masterName.Length > MasterSuffix.Length
            ? masterName[..^MasterSuffix.Length]
            : throw new InvalidDataException($"'{masterName}' is not a master playlist name ({{id}}{MasterSuffix}).");

    /// <summary>The same file under the new id; a name without the old id prefix is refused (it is not this transcode's).</summary>
    public static string Rename(string name, string oldId, string newId) =>
        name.StartsWith(oldId + "-", StringComparison.Ordinal)
            ? newId + name[oldId.Length..]
            : throw new InvalidDataException($"'{name}' does not belong to the media set '{oldId}'.");

    /// <summary>Playlist or hash-file text with every reference to the old names turned into the new ones.</summary>
    public static string Rewrite(string text, string oldId, string newId) =>
        text.Replace(oldId + "-", newId + "-", StringComparison.Ordinal);

    /// <summary>Files whose content names other files of the set (rewritten); the others (media) are copied as they are.</summary>
    public static bool IsText(string name) =>
        name.EndsWith(".m3u8", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal);
}
