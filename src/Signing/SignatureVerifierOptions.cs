namespace Silo.Signing;

/// <summary>What a downstream accepts.</summary>
public sealed class SignatureVerifierOptions
{
    /// <summary>The secrets accepted (during a rotation, the old and the new one).</summary>
    public IList<SigningKey> Keys { get; } = [];

    /// <summary>
    /// Finds a secret by key id, when the secrets are not fixed (read from configuration or a store); consulted
    /// after <see cref="Keys"/>.
    /// </summary>
    public Func<string, byte[]?>? KeyResolver { get; set; }

    /// <summary>How far the gateway's clock may be from this one. The default value is 5 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest validity (<c>expires</c> − <c>created</c>) accepted. The default value is 5 minutes.</summary>
    public TimeSpan MaxValidity { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Components every accepted signature covers; <c>content-digest</c> is added for a request with a body.</summary>
    public IReadOnlyList<string> RequiredComponents { get; set; } = SiloSignature.Components;

    /// <summary>The <c>tag</c> of the signatures looked at. The default value is <c>silo</c>.</summary>
    public string Tag { get; set; } = SiloSignature.Tag;

    internal byte[]? Find(string keyId)
    {
        foreach (var key in Keys)
        {
            if (key.KeyId == keyId)
            {
                return key.Secret;
            }
        }

        return KeyResolver?.Invoke(keyId);
    }
}
