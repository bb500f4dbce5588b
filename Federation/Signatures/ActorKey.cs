namespace VideoPlatform.Federation.Signatures;

/// <summary>A public key as an actor document publishes it (<c>publicKey {id, owner, publicKeyPem}</c>).</summary>
public sealed record ActorKey(string KeyId, string OwnerId, string PublicKeyPem);

/// <summary>
/// Port: finds the public key behind a <c>keyId</c>. The verifier asks again with
/// <paramref name="forceRefresh"/> set once when a cached key fails, to follow key rotation.
/// </summary>
public interface IActorKeyResolver
{
    Task<ActorKey?> ResolveAsync(string keyId, bool forceRefresh, CancellationToken cancellationToken);
}

/// <summary>A private key that signs for an actor; <see cref="KeyId"/> is <c>{actor id}#main-key</c>.</summary>
public sealed record SigningKey(string KeyId, string PrivateKeyPem);
