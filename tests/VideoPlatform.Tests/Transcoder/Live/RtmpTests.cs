using System.Buffers.Binary;
using VideoPlatform.Transcoder.Live.Rtmp;

namespace VideoPlatform.Tests.Transcoder.Live;

public class RtmpHandshakeTests
{
    [Test]
    public void Reply_is_s0_s1_and_s2_echoing_c1()
    {
        var c0c1 = new byte[RtmpHandshake.C0C1Size];
        c0c1[0] = 3;
        for (var i = 1; i < c0c1.Length; i++)
        {
            c0c1[i] = (byte)(i * 7);
        }
        var random = Enumerable.Range(0, 1528).Select(i => (byte)(i % 251)).ToArray();

        var reply = RtmpHandshake.CreateReply(c0c1, 0x01020304, random);

        Assert.That(reply, Has.Length.EqualTo(1 + 1536 + 1536));
        Assert.That(reply[0], Is.EqualTo(3));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(1)), Is.EqualTo(0x01020304u), "S1 time");
        Assert.That(reply.AsSpan(5, 4).ToArray(), Is.EqualTo(new byte[4]), "S1 zero");
        Assert.That(reply.AsSpan(9, 1528).ToArray(), Is.EqualTo(random), "S1 random");
        var s2 = reply.AsSpan(1 + 1536, 1536);
        Assert.That(s2[..4].ToArray(), Is.EqualTo(c0c1.AsSpan(1, 4).ToArray()), "S2 echoes C1's time");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(s2[4..]), Is.EqualTo(0x01020304u), "S2 time2");
        Assert.That(s2[8..].ToArray(), Is.EqualTo(c0c1.AsSpan(9).ToArray()), "S2 echoes C1's random");
    }

    [TestCase(6, RtmpHandshake.C0C1Size, TestName = "RTMPE version 6")]
    [TestCase(0x16, RtmpHandshake.C0C1Size, TestName = "a TLS ClientHello")]
    [TestCase(3, 100, TestName = "short C1")]
    public void Refuses(byte version, int length)
    {
        var c0c1 = new byte[length];
        c0c1[0] = version;
        Assert.Throws<RtmpProtocolException>(() => RtmpHandshake.CreateReply(c0c1, 0, new byte[1528]));
    }
}

public class Amf0Tests
{
    [TestCase(new object[] { "connect" }, "02 00 07 63 6F 6E 6E 65 63 74")]
    [TestCase(new object[] { 1.0 }, "00 3F F0 00 00 00 00 00 00")]
    [TestCase(new object[] { true, false }, "01 01 01 00")]
    [TestCase(new object?[] { null }, "05")]
    public void Encodes_as_the_specification(object?[] values, string hex)
    {
        Assert.That(Convert.ToHexString(Amf0.Encode(values)), Is.EqualTo(hex.Replace(" ", "", StringComparison.Ordinal)));
    }

    [Test]
    public void Round_trips_every_supported_type()
    {
        var nested = new AmfObject { { "level", "status" }, { "n", 2.5 } };
        var ecma = new AmfObject { IsEcmaArray = true };
        ecma.Add("width", 1280.0);
        ecma.Add("stereo", true);
        var date = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var longString = new string('x', 70_000);
        var bytes = Amf0.Encode("publish", 5.0, null, AmfUndefined.Value, nested, ecma, new object?[] { 1.0, "a" }, date, longString, "é");

        var values = Amf0.DecodeAll(bytes);

        Assert.That(values, Has.Count.EqualTo(10));
        Assert.That(values[0], Is.EqualTo("publish"));
        Assert.That(values[1], Is.EqualTo(5.0));
        Assert.That(values[2], Is.Null);
        Assert.That(values[3], Is.SameAs(AmfUndefined.Value));
        var o = (AmfObject)values[4]!;
        Assert.That(o.IsEcmaArray, Is.False);
        Assert.That(o.String("level"), Is.EqualTo("status"));
        Assert.That(o.Number("n"), Is.EqualTo(2.5));
        var e = (AmfObject)values[5]!;
        Assert.That(e.IsEcmaArray, Is.True);
        Assert.That(e.Number("width"), Is.EqualTo(1280.0));
        Assert.That(e["stereo"], Is.EqualTo(true));
        Assert.That(values[6], Is.EqualTo(new object?[] { 1.0, "a" }));
        Assert.That(values[7], Is.EqualTo(date));
        Assert.That(values[8], Is.EqualTo(longString));
        Assert.That(values[9], Is.EqualTo("é"));
        Assert.That(Amf0.Encode([.. values]), Is.EqualTo(bytes), "re-encoding gives the same bytes");
    }

    [TestCase("02 00 09 61", TestName = "string cut short")]
    [TestCase("00 3F F0", TestName = "number cut short")]
    [TestCase("03 00 01 61 00", TestName = "object without its end")]
    [TestCase("0D", TestName = "unsupported marker")]
    [TestCase("07 00 01", TestName = "reference")]
    [TestCase("0A FF FF FF FF", TestName = "strict array counting more than the message")]
    [TestCase("0C 7F FF FF FF 61", TestName = "long string longer than the message")]
    public void Refuses_malformed(string hex)
    {
        Assert.Throws<RtmpProtocolException>(() => Amf0.DecodeAll(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
    }

    [Test]
    public void Refuses_deep_nesting()
    {
        var bytes = new List<byte>();
        for (var i = 0; i < 100; i++)
        {
            bytes.AddRange([0x0A, 0, 0, 0, 1]);
        }
        bytes.Add(0x05);
        Assert.Throws<RtmpProtocolException>(() => Amf0.DecodeAll(bytes.ToArray()));
    }
}

public class RtmpChunkTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    [Test]
    public void Type_0_header_in_one_chunk()
    {
        // csid 3, timestamp 0x000102, length 3, type 20, stream id 1 (little endian), payload.
        var reader = new RtmpChunkReader();
        var messages = reader.Push(Hex("03 000102 000003 14 01000000 AABBCC"));
        Assert.That(messages, Has.Count.EqualTo(1));
        var m = messages[0];
        Assert.That((m.ChunkStreamId, m.Timestamp, m.TypeId, m.StreamId), Is.EqualTo((3, 0x102u, (byte)20, 1u)));
        Assert.That(m.Payload, Is.EqualTo(Hex("AABBCC")));
    }

    [Test]
    public void Types_1_2_and_3_add_deltas_and_reuse_the_header()
    {
        var reader = new RtmpChunkReader();
        var messages = reader.Push(Hex(
            "04 000064 000002 09 01000000 0102" + // type 0: t=100, video, 2 bytes
            "44 000021 000001 08 03" + // type 1: delta 33, audio, 1 byte
            "84 000010 04" + // type 2: delta 16, same length and type
            "C4 05")); // type 3: repeats delta 16
        Assert.That(messages.Select(m => (m.Timestamp, m.TypeId, m.StreamId, m.Payload.Length)), Is.EqualTo(new[]
        {
            (100u, (byte)9, 1u, 2), (133u, (byte)8, 1u, 1), (149u, (byte)8, 1u, 1), (165u, (byte)8, 1u, 1),
        }));
        Assert.That(messages[3].Payload, Is.EqualTo(Hex("05")));
    }

    [Test]
    public void Long_message_spans_chunks_interleaved_with_another_chunk_stream()
    {
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var header = Hex("06 000000 00012C 09 01000000");
        var bytes = new List<byte>();
        bytes.AddRange(header);
        bytes.AddRange(payload[..128]);
        bytes.AddRange(Hex("03 000000 000001 14 00000000 05")); // a whole message on chunk stream 3 in between
        bytes.Add(0xC6);
        bytes.AddRange(payload[128..256]);
        bytes.Add(0xC6);
        bytes.AddRange(payload[256..]);

        var messages = new RtmpChunkReader().Push(bytes.ToArray());

        Assert.That(messages.Select(m => m.ChunkStreamId), Is.EqualTo(new[] { 3, 6 }));
        Assert.That(messages[1].Payload, Is.EqualTo(payload));
    }

    [Test]
    public void Extended_timestamp_is_read_on_type_0_and_repeated_on_type_3_continuations()
    {
        var payload = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        var bytes = new List<byte>();
        bytes.AddRange(Hex("04 FFFFFF 0000C8 09 01000000 01000000"));
        bytes.AddRange(payload[..128]);
        bytes.AddRange(Hex("C4 01000000"));
        bytes.AddRange(payload[128..]);

        var messages = new RtmpChunkReader().Push(bytes.ToArray());

        Assert.That(messages, Has.Count.EqualTo(1));
        Assert.That(messages[0].Timestamp, Is.EqualTo(0x01000000u));
        Assert.That(messages[0].Payload, Is.EqualTo(payload));
    }

    [Test]
    public void Set_chunk_size_applies_to_the_following_chunks()
    {
        var reader = new RtmpChunkReader();
        var payload = new byte[1000];
        Random.Shared.NextBytes(payload);
        var bytes = new List<byte>();
        bytes.AddRange(Hex("02 000000 000004 01 00000000 00001000")); // Set Chunk Size 4096
        bytes.AddRange(Hex("06 000000 0003E8 09 01000000"));
        bytes.AddRange(payload); // one chunk now

        var messages = reader.Push(bytes.ToArray());

        Assert.That(reader.ChunkSize, Is.EqualTo(4096));
        Assert.That(messages.Select(m => m.TypeId), Is.EqualTo(new byte[] { 1, 9 }));
        Assert.That(messages[1].Payload, Is.EqualTo(payload));
    }

    [TestCase(70, TestName = "two-byte basic header")]
    [TestCase(400, TestName = "three-byte basic header")]
    [TestCase(3, TestName = "one-byte basic header")]
    public void Writer_and_reader_agree_on_chunk_stream_ids(int csid)
    {
        var message = new RtmpMessage(9, 1234, 1, Enumerable.Range(0, 500).Select(i => (byte)i).ToArray()) { ChunkStreamId = csid };
        var messages = new RtmpChunkReader().Push(RtmpChunkWriter.Write(message, 128));
        Assert.That(messages, Has.Count.EqualTo(1));
        Assert.That(messages[0], Is.EqualTo(message).Using<RtmpMessage>((a, b) =>
            a.ChunkStreamId == b.ChunkStreamId && a.Timestamp == b.Timestamp && a.TypeId == b.TypeId && a.Payload.SequenceEqual(b.Payload)));
    }

    [Test]
    public void Byte_at_a_time_gives_the_same_messages()
    {
        var a = new RtmpMessage(9, 0x1000000, 1, new byte[700]) { ChunkStreamId = 6 };
        var b = new RtmpMessage(20, 5, 0, Amf0.Encode("connect", 1.0)) { ChunkStreamId = 3 };
        var bytes = RtmpChunkWriter.Write(a, 128).Concat(RtmpChunkWriter.Write(b, 128)).ToArray();
        var reader = new RtmpChunkReader();
        var messages = new List<RtmpMessage>();
        foreach (var x in bytes)
        {
            messages.AddRange(reader.Push([x]));
        }
        Assert.That(messages.Select(m => (m.ChunkStreamId, m.Timestamp, m.Payload.Length)), Is.EqualTo(new[] { (6, 0x1000000u, 700), (3, 5u, b.Payload.Length) }));
    }

    [Test]
    public void Abort_drops_the_partial_message()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Hex("06 000000 0000C8 09 01000000"));
        bytes.AddRange(new byte[128]);
        bytes.AddRange(Hex("02 000000 000004 02 00000000 00000006")); // Abort chunk stream 6
        bytes.AddRange(Hex("06 000000 000001 09 01000000 07"));
        var messages = new RtmpChunkReader().Push(bytes.ToArray());
        Assert.That(messages.Select(m => (m.TypeId, m.Payload.Length)), Is.EqualTo(new[] { ((byte)2, 4), ((byte)9, 1) }));
    }

    [TestCase("44 000021 000001 08 03", TestName = "first chunk of a stream with a type 1 header")]
    [TestCase("C4 05", TestName = "first chunk of a stream with a type 3 header")]
    [TestCase("04 000000 FFFFFF 09 01000000", TestName = "message over the size limit")]
    [TestCase("02 000000 000004 01 00000000 00000000", TestName = "chunk size 0")]
    public void Refuses_malformed_chunks(string hex)
    {
        Assert.Throws<RtmpProtocolException>(() => new RtmpChunkReader().Push(Hex(hex)));
    }

    [Test]
    public void Refuses_a_new_message_before_the_previous_one_is_complete()
    {
        var bytes = Hex("04 000000 0000C8 09 01000000").Concat(new byte[128]).Concat(Hex("04 000000 000001 09 01000000 00")).ToArray();
        Assert.Throws<RtmpProtocolException>(() => new RtmpChunkReader().Push(bytes));
    }

    [Test]
    public void Refuses_too_many_chunk_streams()
    {
        var reader = new RtmpChunkReader(maxChunkStreams: 4);
        for (var csid = 3; csid < 7; csid++)
        {
            reader.Push(RtmpChunkWriter.Write(new RtmpMessage(9, 0, 1, [1]) { ChunkStreamId = csid }, 128));
        }
        Assert.Throws<RtmpProtocolException>(() => reader.Push(RtmpChunkWriter.Write(new RtmpMessage(9, 0, 1, [1]) { ChunkStreamId = 7 }, 128)));
    }

    [Test]
    public void Incomplete_chunk_waits_for_more_bytes()
    {
        var reader = new RtmpChunkReader();
        Assert.That(reader.Push(Hex("04 000000 000003 09")), Is.Empty);
        Assert.That(reader.Push(Hex("01000000 AA")), Is.Empty);
        Assert.That(reader.Push(Hex("BB CC")), Has.Count.EqualTo(1));
    }
}

public class RtmpConnectionTests
{
    private static RtmpMessage Command(params object?[] values) => new(RtmpMessageType.CommandAmf0, 0, 0, Amf0.Encode(values)) { ChunkStreamId = 3 };

    private static List<object?> Values(RtmpMessage m) => Amf0.DecodeAll(m.Payload);

    [Test]
    public void Publisher_dialogue_as_ffmpeg_drives_it()
    {
        var connection = new RtmpConnection();

        var connect = connection.Receive(Command("connect", 1.0, new AmfObject { { "app", "live" }, { "type", "nonprivate" }, { "tcUrl", "rtmp://127.0.0.1:1935/live" } }));
        Assert.That(connect.Replies.Select(r => r.TypeId), Is.EqualTo(new byte[] { 5, 6, 1, 20 }), "window ack size, peer bandwidth, chunk size, _result");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(connect.Replies[2].Payload), Is.EqualTo(4096u));
        Assert.That(connect.Replies[1].Payload[4], Is.EqualTo(2), "dynamic limit");
        var result = Values(connect.Replies[3]);
        Assert.That(result[0], Is.EqualTo("_result"));
        Assert.That(result[1], Is.EqualTo(1.0));
        Assert.That(((AmfObject)result[3]!).String("code"), Is.EqualTo("NetConnection.Connect.Success"));
        Assert.That(connection.App, Is.EqualTo("live"));

        Assert.That(Values(connection.Receive(Command("releaseStream", 2.0, null, "key")).Replies.Single())[..2], Is.EqualTo(new object[] { "_result", 2.0 }));
        Assert.That(Values(connection.Receive(Command("FCPublish", 3.0, null, "key")).Replies.Single())[..2], Is.EqualTo(new object[] { "_result", 3.0 }));
        var created = Values(connection.Receive(Command("createStream", 4.0, null)).Replies.Single());
        Assert.That(created, Is.EqualTo(new object?[] { "_result", 4.0, null, 1.0 }));

        var before = connection.Receive(new RtmpMessage(RtmpMessageType.Video, 0, 1, [0x17, 0]));
        Assert.That(before.Media, Is.Null, "no media before the publish is accepted");

        var publish = connection.Receive(Command("publish", 5.0, null, "abc-123?token=x", "live") with { StreamId = 1 });
        Assert.That(publish.PublishRequested, Is.EqualTo("abc-123"));
        var start = connection.AcceptPublish().Single();
        Assert.That(start.StreamId, Is.EqualTo(1u));
        var status = Values(start);
        Assert.That(status[0], Is.EqualTo("onStatus"));
        Assert.That(((AmfObject)status[3]!).String("code"), Is.EqualTo("NetStream.Publish.Start"));

        var metadata = new AmfObject { IsEcmaArray = true };
        metadata.Add("width", 320.0);
        var data = connection.Receive(new RtmpMessage(RtmpMessageType.DataAmf0, 0, 1, Amf0.Encode("@setDataFrame", "onMetaData", metadata)));
        Assert.That(data.Media!.Value.Type, Is.EqualTo(Flv.ScriptTag));
        Assert.That(Amf0.DecodeAll(data.Media.Value.Data)[0], Is.EqualTo("onMetaData"), "@setDataFrame is stripped, as in an FLV file");

        var video = connection.Receive(new RtmpMessage(RtmpMessageType.Video, 40, 1, [0x17, 1, 0, 0, 0]));
        Assert.That(video.Media, Is.EqualTo(((byte)9, 40u, new byte[] { 0x17, 1, 0, 0, 0 })).Using<(byte, uint, byte[])>((a, b) => a.Item1 == b.Item1 && a.Item2 == b.Item2 && a.Item3.SequenceEqual(b.Item3)));

        Assert.That(connection.Receive(Command("FCUnpublish", 6.0, null, "abc-123")).Unpublished, Is.True);
    }

    [Test]
    public void Refusal_is_an_error_status()
    {
        var connection = new RtmpConnection();
        connection.Receive(Command("connect", 1.0, new AmfObject { { "app", "live" } }));
        connection.Receive(Command("publish", 5.0, null, "wrong", "live"));
        var status = (AmfObject)Values(connection.RefusePublish("NetStream.Publish.BadName", "Unknown stream key.").Single())[3]!;
        Assert.That((status.String("level"), status.String("code")), Is.EqualTo(("error", "NetStream.Publish.BadName")));
        Assert.That(connection.Publishing, Is.False);
    }

    [Test]
    public void Acknowledges_each_window_the_peer_asked_for()
    {
        var connection = new RtmpConnection();
        Assert.That(connection.CountReceived(5000), Is.Null, "no window yet");
        connection.Receive(new RtmpMessage(RtmpMessageType.WindowAckSize, 0, 0, [0, 0, 0x27, 0x10]) { ChunkStreamId = 2 }); // 10000
        Assert.That(connection.CountReceived(4000), Is.Null);
        var ack = connection.CountReceived(2000);
        Assert.That(ack!.TypeId, Is.EqualTo(RtmpMessageType.Acknowledgement));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(ack.Payload), Is.EqualTo(11000u));
    }

    [TestCase(new object?[] { "createStream", 2.0, null }, TestName = "createStream before connect")]
    [TestCase(new object?[] { 1.0, "connect" }, TestName = "command without a name")]
    public void Refuses_out_of_order_or_malformed_commands(object?[] values)
    {
        Assert.Throws<RtmpProtocolException>(() => new RtmpConnection().Receive(Command(values)));
    }

    [Test]
    public void Refuses_publish_without_a_key_and_a_second_publish()
    {
        var connection = new RtmpConnection();
        connection.Receive(Command("connect", 1.0, new AmfObject()));
        Assert.Throws<RtmpProtocolException>(() => connection.Receive(Command("publish", 2.0, null, "", "live")));
        connection.Receive(Command("publish", 3.0, null, "k", "live"));
        Assert.Throws<RtmpProtocolException>(() => connection.Receive(Command("publish", 4.0, null, "k", "live")));
    }
}

public class FlvTests
{
    [Test]
    public void Header_and_tag_layout()
    {
        Assert.That(Convert.ToHexString(Flv.Header(hasAudio: true, hasVideo: true)), Is.EqualTo("464C5601050000000900000000"));
        var tag = Flv.Tag(Flv.VideoTag, 0x12345678, [0x17, 0x01]);
        Assert.That(Convert.ToHexString(tag), Is.EqualTo("09" + "000002" + "345678" + "12" + "000000" + "1701" + "0000000D"));
    }

    [TestCase(new byte[] { 0x17, 0 }, true, true)]
    [TestCase(new byte[] { 0x17, 1 }, true, false)]
    [TestCase(new byte[] { 0x27, 1 }, false, false)]
    public void Recognises_key_frames_and_sequence_headers(byte[] data, bool key, bool sequenceHeader)
    {
        Assert.That(Flv.IsKeyFrame(data), Is.EqualTo(key));
        Assert.That(Flv.IsVideoSequenceHeader(data), Is.EqualTo(sequenceHeader));
    }
}
