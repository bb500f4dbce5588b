namespace VideoPlatform.Transcoder.Live.Rtmp;

/// <summary>The peer broke the RTMP protocol (bad version, malformed chunk or AMF0, a message over the limits): the connection is cut.</summary>
public sealed class RtmpProtocolException(string message) : Exception(message);
