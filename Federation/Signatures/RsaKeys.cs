using System.Security.Cryptography;

namespace VideoPlatform.Federation.Signatures;

public sealed record RsaKeyPair(string PublicKeyPem, string PrivateKeyPem);

public static class RsaKeys
{
    /// <summary>PeerTube uses 2048-bit keys in production; its validators want SPKI PEM for the public half.</summary>
    public static RsaKeyPair Generate(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return new RsaKeyPair(rsa.ExportSubjectPublicKeyInfoPem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Imports SPKI (<c>BEGIN PUBLIC KEY</c>), PKCS#1 (<c>BEGIN RSA PUBLIC KEY</c>) or any private key PEM.</summary>
    public static RSA ImportPem(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }
}
