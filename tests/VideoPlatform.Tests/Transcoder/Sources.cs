using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Tests.Transcoder;

internal static class Sources
{
    public static SourceMedia Video(
        int width, int height, double fps = 30, int rotation = 0, bool audio = true, double seconds = 10,
        string codec = "h264", long? bitrate = null, string format = "mov,mp4,m4a,3gp,3g2,mj2", double? realFps = null, string audioCodec = "aac") =>
        new(format, 1_000_000, TimeSpan.FromSeconds(seconds), bitrate,
            new SourceVideo(codec, width, height, rotation, fps, realFps ?? fps, "yuv420p", 8, null, null),
            audio ? new SourceAudio(audioCodec, 128_000, 2, 48_000) : null);

    public static SourceMedia AudioOnly(string codec = "mp3", long? bitrate = 192_000, double seconds = 10) =>
        new("mp3", 100_000, TimeSpan.FromSeconds(seconds), bitrate, null, new SourceAudio(codec, bitrate, 2, 44_100));
}
