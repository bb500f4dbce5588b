using System.Security.Cryptography;

namespace VideoPlatform.Core.Domain;

/// <summary>RSA-2048 key pairs for actors (HTTP signatures), as PEM: SPKI public, PKCS#8 private.</summary>
public static class ActorKeys
{
    public static (string PublicPem, string PrivatePem) Generate()
    {
        using var rsa = RSA.Create(2048);
        return (rsa.ExportSubjectPublicKeyInfoPem(), rsa.ExportPkcs8PrivateKeyPem());
    }
}
