using VideoPlatform.P2P.Hls;

namespace VideoPlatform.Tests.P2P;

/// <summary>The one HLS attribute-list parser (RFC 8216 4.2): exact on good input, a FormatException saying why on bad.</summary>
public class HlsAttributeListTests
{
    [TestCase("", "")]
    [TestCase("BANDWIDTH=5", "BANDWIDTH=5")]
    [TestCase("CODECS=\"a,b\",BANDWIDTH=5", "CODECS=a,b|BANDWIDTH=5")]
    [TestCase("BANDWIDTH=5,CODECS=\"avc1.64001f,mp4a.40.2\"", "BANDWIDTH=5|CODECS=avc1.64001f,mp4a.40.2")]
    [TestCase("URI=\"id-720-fragmented.mp4\",BYTERANGE=\"1353@0\"", "URI=id-720-fragmented.mp4|BYTERANGE=1353@0")]
    [TestCase("NAME=\"\"", "NAME=")]
    [TestCase("NAME=\"a=b\"", "NAME=a=b")]
    [TestCase("RESOLUTION=1280x720,FRAME-RATE=29.970", "RESOLUTION=1280x720|FRAME-RATE=29.970")]
    public void Reads(string list, string expected)
    {
        var attributes = HlsAttributeList.Parse(list);
        Assert.That(string.Join('|', attributes.Select(a => $"{a.Key}={a.Value}")), Is.EqualTo(expected));
    }

    [TestCase("BANDWIDTH", "has no '='")]
    [TestCase("BANDWIDTH=", "BANDWIDTH has no value")]
    [TestCase("BANDWIDTH=,CODECS=\"a\"", "BANDWIDTH has no value")]
    [TestCase("CODECS=\"a,b", "quoted value of CODECS is not closed")]
    [TestCase("CODECS=\"a\"b,BANDWIDTH=5", "quoted value of CODECS is followed by text")]
    [TestCase("=5", "'' is not an attribute name")]
    [TestCase("bandwidth=5", "'bandwidth' is not an attribute name")]
    [TestCase(" BANDWIDTH=5", "' BANDWIDTH' is not an attribute name")]
    [TestCase("BANDWIDTH=5,", "ends with a comma")]
    [TestCase("BANDWIDTH=5,,CODECS=\"a\"", "has no '='")]
    [TestCase("A=1,garbage,B=2", "has no '='")]
    [TestCase("A=1,A=2", "A appears twice")]
    [TestCase("\u0000\u00ff;<html>", "has no '='")]
    public void Refuses(string list, string problem)
    {
        var error = Assert.Throws<FormatException>(() => HlsAttributeList.Parse(list));
        Assert.That(error!.Message, Does.Contain(problem).And.Contain("Invalid HLS attribute list"));
    }
}
