using Microsoft.Extensions.Time.Testing;

namespace Silo.Signing.Tests;

/// <summary>Signed as the gateway signs, then every way a request can fail verification, and the rotation overlap.</summary>
public sealed class VerifierTests
{
    private static readonly SigningKey Current = new("sig_new", "0123456789abcdef0123456789abcdef"u8.ToArray());
    private static readonly SigningKey Previous = new("sig_old", "fedcba9876543210fedcba9876543210"u8.ToArray());
    private const string Digest = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, string> Fields(string? digest = Digest) => new(StringComparer.Ordinal)
    {
        ["silo-tenant-id"] = "acme",
        ["silo-key-id"] = "k_123",
        ["content-digest"] = digest!,
    };

    private static SignedMessage Message(Dictionary<string, string> fields, string method = "POST", string target = "http://127.0.0.1:5000/orders/a%2Fb?x=1", bool hasBody = true) =>
        new(method, target, name => fields.GetValueOrDefault(name), hasBody);

    private Dictionary<string, string> Sign(Dictionary<string, string> fields, IReadOnlyList<SigningKey> keys, string method = "POST", string target = "http://127.0.0.1:5000/orders/a%2Fb?x=1", IReadOnlyList<string>? components = null, DateTimeOffset? at = null)
    {
        var (input, signature) = RequestSigner.Sign(
            Message(fields, method, target), components ?? [.. SiloSignature.Components, "content-digest"], keys, at ?? _time.GetUtcNow(), SiloSignature.ValidFor);
        return new Dictionary<string, string>(fields, StringComparer.Ordinal) { ["signature-input"] = input, ["signature"] = signature };
    }

    private SignatureVerifier Verifier(params SigningKey[] keys)
    {
        var options = new SignatureVerifierOptions();
        foreach (var key in keys)
        {
            options.Keys.Add(key);
        }

        return new SignatureVerifier(options, _time);
    }

    [Fact]
    public void ASignedRequest_Verifies_AndNamesTheCaller()
    {
        var signed = Sign(Fields(), [Current]);

        var result = Verifier(Current).Verify(Message(signed));

        Assert.True(result.IsValid, result.Failure.ToString());
        Assert.Equal(("sig_new", "acme", "k_123"), (result.KeyId, result.TenantId, result.CallerKeyId));
        Assert.Contains(";alg=\"hmac-sha256\";keyid=\"sig_new\";tag=\"silo\"", signed["signature-input"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("method")]
    [InlineData("path")]
    [InlineData("query")]
    [InlineData("authority")]
    [InlineData("tenant")]
    [InlineData("key")]
    [InlineData("digest")]
    public void AnyCoveredPartChanged_IsABadSignature(string part)
    {
        var signed = Sign(Fields(), [Current]);
        var (method, target) = ("POST", "http://127.0.0.1:5000/orders/a%2Fb?x=1");
        switch (part)
        {
            case "method": method = "PUT"; break;
            case "path": target = "http://127.0.0.1:5000/orders/a/b?x=1"; break;
            case "query": target = "http://127.0.0.1:5000/orders/a%2Fb?x=2"; break;
            case "authority": target = "http://127.0.0.1:5001/orders/a%2Fb?x=1"; break;
            case "tenant": signed["silo-tenant-id"] = "other"; break;
            case "key": signed["silo-key-id"] = "k_999"; break;
            default: signed["content-digest"] = "sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:"; break;
        }

        Assert.Equal(SignatureFailure.BadSignature, Verifier(Current).Verify(Message(signed, method, target)).Failure);
    }

    [Fact]
    public void TheSameSignatureTwice_IsAReplay()
    {
        var verifier = Verifier(Current);
        var signed = Sign(Fields(), [Current]);

        Assert.True(verifier.Verify(Message(signed)).IsValid);
        Assert.Equal(SignatureFailure.Replayed, verifier.Verify(Message(signed)).Failure);
    }

    [Fact]
    public void PastItsExpiryAndTheSkew_ASignatureHasExpired_AndOneFromTheFutureIsNotYetValid()
    {
        var verifier = Verifier(Current);
        var old = Sign(Fields(), [Current]);
        _time.Advance(SiloSignature.ValidFor + verifier.Options.ClockSkew);
        Assert.Equal(SignatureFailure.Expired, verifier.Verify(Message(old)).Failure);

        var future = Sign(Fields(), [Current], at: _time.GetUtcNow().AddMinutes(1));
        Assert.Equal(SignatureFailure.NotYetValid, verifier.Verify(Message(future)).Failure);
    }

    [Fact]
    public void WithinTheSkew_ASignatureStillVerifies()
    {
        var verifier = Verifier(Current);
        var signed = Sign(Fields(), [Current]);
        _time.Advance(SiloSignature.ValidFor + verifier.Options.ClockSkew - TimeSpan.FromSeconds(1));

        Assert.True(verifier.Verify(Message(signed)).IsValid);
    }

    [Fact]
    public void AnUnknownKey_AnUnsignedRequest_AndAnotherTag_AreRefused()
    {
        Assert.Equal(SignatureFailure.UnknownKey, Verifier(Previous).Verify(Message(Sign(Fields(), [Current]))).Failure);
        Assert.Equal(SignatureFailure.Missing, Verifier(Current).Verify(Message(Fields())).Failure);

        var otherTag = Sign(Fields(), [Current]);
        otherTag["signature-input"] = otherTag["signature-input"].Replace("tag=\"silo\"", "tag=\"other\"", StringComparison.Ordinal);
        Assert.Equal(SignatureFailure.Missing, Verifier(Current).Verify(Message(otherTag)).Failure);
    }

    [Fact]
    public void ASignatureLeavingOutARequiredComponent_IsRefused()
    {
        var noKey = Sign(Fields(), [Current], components: ["@method", "@target-uri", "silo-tenant-id", "content-digest"]);
        Assert.Equal(SignatureFailure.NotCovered, Verifier(Current).Verify(Message(noKey)).Failure);

        // A body that the signature does not cover by its digest.
        var noDigest = Sign(Fields(), [Current], components: SiloSignature.Components);
        Assert.Equal(SignatureFailure.NotCovered, Verifier(Current).Verify(Message(noDigest)).Failure);
        Assert.True(Verifier(Current).Verify(Message(Sign(Fields(), [Current], components: SiloSignature.Components), hasBody: false)).IsValid);
    }

    [Fact]
    public void ASignatureValidForTooLong_OrWithAnotherAlgorithm_IsRefused()
    {
        var verifier = Verifier(Current);
        var (input, signature) = RequestSigner.Sign(Message(Fields()), [.. SiloSignature.Components, "content-digest"], [Current], _time.GetUtcNow(), TimeSpan.FromHours(1));
        var longLived = new Dictionary<string, string>(Fields(), StringComparer.Ordinal) { ["signature-input"] = input, ["signature"] = signature };
        Assert.Equal(SignatureFailure.Expired, verifier.Verify(Message(longLived)).Failure);

        var otherAlgorithm = Sign(Fields(), [Current]);
        otherAlgorithm["signature-input"] = otherAlgorithm["signature-input"].Replace("hmac-sha256", "rsa-pss-sha512", StringComparison.Ordinal);
        Assert.Equal(SignatureFailure.Malformed, verifier.Verify(Message(otherAlgorithm)).Failure);

        var garbage = Sign(Fields(), [Current]);
        garbage["signature"] = "silo=not-a-byte-sequence";
        Assert.Equal(SignatureFailure.Malformed, verifier.Verify(Message(garbage)).Failure);
    }

    [Fact]
    public void DuringARotation_EitherSecretAloneVerifies()
    {
        var signed = Sign(Fields(), [Current, Previous]);

        Assert.Contains("silo-2=", signed["signature"], StringComparison.Ordinal);
        Assert.Equal("sig_new", Verifier(Current).Verify(Message(signed)).KeyId);
        Assert.Equal("sig_old", Verifier(Previous).Verify(Message(signed)).KeyId);
    }

    [Fact]
    public void KeysFromAResolver_AreUsed()
    {
        var options = new SignatureVerifierOptions { KeyResolver = id => id == Current.KeyId ? Current.Secret : null };

        Assert.True(new SignatureVerifier(options, _time).Verify(Message(Sign(Fields(), [Current]))).IsValid);
        Assert.Equal(SignatureFailure.UnknownKey, new SignatureVerifier(options, _time).Verify(Message(Sign(Fields(), [Previous]))).Failure);
    }
}
