using System.Security.Cryptography;

namespace Silo.Signing;

/// <summary>
/// Signs a request as Silo does: one signature per key (labelled <c>silo</c>, <c>silo-2</c>, … so a
/// downstream holding either secret of a rotation verifies it), each over the same components, with
/// <c>created</c>, <c>expires</c>, a fresh <c>nonce</c>, <c>alg</c>, <c>keyid</c> and <c>tag</c>.
/// </summary>
public static class RequestSigner
{
    /// <summary>The <c>Signature-Input</c> and <c>Signature</c> field values for <paramref name="message"/>.</summary>
    /// <exception cref="ArgumentException">A covered component has no value in the message, or there is no key.</exception>
    public static (string SignatureInput, string Signature) Sign(
        SignedMessage message, IReadOnlyList<string> components, IReadOnlyList<SigningKey> keys, DateTimeOffset now, TimeSpan validFor)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("A signature needs a key.", nameof(keys));
        }

        var created = now.ToUnixTimeSeconds();
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var inputs = new List<string>(keys.Count);
        var signatures = new List<string>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var label = i == 0 ? SiloSignature.Tag : SiloSignature.Tag + "-" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var parameters = StructuredFields.Serialize(components,
            [
                new("created", created),
                new("expires", created + (long)validFor.TotalSeconds),
                new("nonce", nonce),
                new("alg", SiloSignature.Algorithm),
                new("keyid", keys[i].KeyId),
                new("tag", SiloSignature.Tag),
            ]);
            var signatureBase = SignatureBase.Build(message, components, parameters)
                ?? throw new ArgumentException("A covered component has no value in the message.", nameof(components));
            inputs.Add(label + "=" + parameters);
            signatures.Add(label + "=:" + Convert.ToBase64String(SignatureBase.Mac(keys[i].Secret, signatureBase)) + ":");
        }

        return (string.Join(", ", inputs), string.Join(", ", signatures));
    }
}
