using System.Text;
using VideoPlatform.P2P.Bencode;

namespace VideoPlatform.Tests.P2P;

public class BencodeTests
{
    private static ReadOnlyMemory<byte> B(string s) => Encoding.Latin1.GetBytes(s);

    [TestCase("i0e", 0L)]
    [TestCase("i42e", 42L)]
    [TestCase("i-42e", -42L)]
    [TestCase("i9223372036854775807e", long.MaxValue)]
    [TestCase("i-9223372036854775808e", long.MinValue)]
    public void Decodes_integers(string input, long expected)
    {
        var value = BencodeDecoder.Decode(B(input));
        Assert.That(value, Is.TypeOf<BInteger>());
        Assert.That(((BInteger)value).Value, Is.EqualTo(expected));
        Assert.That(Bencoding.Encode(value), Is.EqualTo(B(input).ToArray()));
    }

    [TestCase("0:", "")]
    [TestCase("4:spam", "spam")]
    [TestCase("3:\u00e9\u00e8a", "\u00e9\u00e8a")]
    public void Decodes_strings(string input, string expectedLatin1)
    {
        var value = (BString)BencodeDecoder.Decode(B(input));
        Assert.That(Encoding.Latin1.GetString(value.Bytes.Span), Is.EqualTo(expectedLatin1));
    }

    [Test]
    public void Decodes_nested_structures_and_round_trips()
    {
        const string input = "d4:infod6:lengthi5e4:name3:abce4:listl4:spami-1eleee";
        var root = BencodeDecoder.DecodeDictionary(B(input));
        Assert.That(root.Count, Is.EqualTo(2));
        Assert.That(((BList)root["list"]!).Items, Has.Count.EqualTo(3));
        Assert.That(Encoding.Latin1.GetString(root["info"]!.Raw.Span), Is.EqualTo("d6:lengthi5e4:name3:abce"));
        Assert.That(Bencoding.Encode(root), Is.EqualTo(B(input).ToArray()));
    }

    [Test]
    public void Encoder_sorts_keys_by_raw_bytes()
    {
        var dict = new BDictionary().Set("zz", 1).Set("a", "x").Set("Z", 2);
        Assert.That(Encoding.ASCII.GetString(Bencoding.Encode(dict)), Is.EqualTo("d1:Zi2e1:a1:x2:zzi1ee"));
    }

    [Test]
    public void Writer_refuses_keys_out_of_order()
    {
        Assert.That(() => Bencoding.Encode(w =>
        {
            w.WriteStartDictionary();
            w.WriteKey("b");
            w.WriteInteger(1);
            w.WriteKey("a");
        }), Throws.InvalidOperationException);
    }

    [Test]
    public void Span_primitives_report_too_small_buffers()
    {
        Span<byte> small = stackalloc byte[3];
        Assert.That(Bencoding.TryWriteInteger(small, 1234, out _), Is.False);
        Assert.That(Bencoding.TryWriteString(small, "abc"u8, out _), Is.False);
        Span<byte> big = stackalloc byte[16];
        Assert.That(Bencoding.TryWriteString(big, "abc"u8, out var written), Is.True);
        Assert.That(Encoding.ASCII.GetString(big[..written]), Is.EqualTo("3:abc"));
    }

    [TestCase("", 0)]
    [TestCase("i01e", 1)]
    [TestCase("i-0e", 1)]
    [TestCase("i-e", 2)]
    [TestCase("ie", 1)]
    [TestCase("i12", 3)]
    [TestCase("i1x", 2)]
    [TestCase("i99999999999999999999e", 20)]
    [TestCase("i9223372036854775808e", 1)]
    [TestCase("01:a", 0)]
    [TestCase("5:abc", 0)]
    [TestCase("3abc", 1)]
    [TestCase("l", 1)]
    [TestCase("li1e", 4)]
    [TestCase("d1:bi1e1:ai2ee", 7)]
    [TestCase("d1:ai1e1:ai2ee", 7)]
    [TestCase("di1ei2ee", 1)]
    [TestCase("d1:a", 4)]
    [TestCase("i1ei2e", 3)]
    [TestCase("x", 0)]
    public void Refuses_malformed_input_with_offset(string input, int offset)
    {
        var ex = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(B(input)));
        Assert.That(ex!.Offset, Is.EqualTo(offset));
    }

    [Test]
    public void Refuses_deep_nesting_and_long_strings()
    {
        var deep = new string('l', 40) + new string('e', 40);
        Assert.That(() => BencodeDecoder.Decode(B(deep)), Throws.TypeOf<BencodeException>().With.Property(nameof(BencodeException.Offset)).EqualTo(32));
        var limits = new BencodeLimits(MaxStringLength: 4);
        Assert.That(() => BencodeDecoder.Decode(B("5:abcde"), limits), Throws.TypeOf<BencodeException>());
        Assert.That(BencodeDecoder.Decode(B("4:abcd"), limits), Is.TypeOf<BString>());
    }

    [Test]
    public void Random_bytes_only_ever_raise_BencodeException()
    {
        var random = new Random(20261128);
        var alphabet = "0123456789ield:-x"u8.ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var buffer = new byte[random.Next(0, 40)];
            for (var j = 0; j < buffer.Length; j++)
            {
                buffer[j] = i % 2 == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)random.Next(256);
            }

            try
            {
                var value = BencodeDecoder.Decode(buffer);
                Assert.That(Bencoding.Encode(value), Is.EqualTo(buffer), "a value that decodes must re-encode to the same bytes");
            }
            catch (BencodeException)
            {
            }
        }
    }
}
