using System.Text;

namespace Silo.Signing.Tests;

/// <summary>
/// Published test vectors: RFC 9421 Appendix B.2.5 (hmac-sha256 over the test request with the shared secret of
/// B.1.5) and RFC 9530's example digest. The expected values are the RFCs', not this library's.
/// </summary>
public sealed class RfcVectorTests
{
    // RFC 9421 B.1.5: "test-shared-secret".
    private static readonly byte[] SharedSecret = Convert.FromBase64String(
        "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==");

    private const string Input = "sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"";

    private static SignedMessage TestRequest() => new(
        "POST",
        "https://example.com/foo?param=Value&Pet=dog",
        name => name switch
        {
            "date" => "Tue, 20 Apr 2021 02:07:55 GMT",
            "content-type" => "application/json",
            "content-digest" => "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
            _ => null,
        },
        HasBody: true);

    [Fact]
    public void HmacSha256_B25_GivesTheRfcsSignatureBaseAndSignature()
    {
        Assert.True(StructuredFields.TryParseDictionary(Input, out var inputs));
        var input = inputs["sig-b25"];
        var components = ((List<SfItem>)input.Value).Select(i => (string)i.Value).ToArray();
        var parameters = StructuredFields.Serialize(components, input.Parameters);

        var signatureBase = SignatureBase.Build(TestRequest(), components, parameters);

        Assert.Equal(
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@authority\": example.com\n\"content-type\": application/json\n" +
            "\"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"",
            signatureBase);
        Assert.Equal("pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=", Convert.ToBase64String(SignatureBase.Mac(SharedSecret, signatureBase!)));
    }

    [Fact]
    public void TheRfcsSignatureField_ParsesToTheSignatureBytes()
    {
        Assert.True(StructuredFields.TryParseDictionary("sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:", out var signatures));

        Assert.Equal(Convert.FromBase64String("pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8="), (byte[])signatures["sig-b25"].Value);
    }

    [Fact]
    public void ContentDigest_OfTheRfc9530Example_IsTheRfcsValue()
    {
        var body = Encoding.UTF8.GetBytes("{\"hello\": \"world\"}");

        Assert.Equal("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigest.Of(body));
        Assert.True(ContentDigest.Matches(
            "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
            System.Security.Cryptography.SHA256.HashData(body)));
        Assert.False(ContentDigest.Matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", System.Security.Cryptography.SHA256.HashData("{}"u8)));
        Assert.False(ContentDigest.Matches("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", System.Security.Cryptography.SHA256.HashData(body)));
    }

    [Theory]
    [InlineData("sig=(\"@method\" ;created=1")]
    [InlineData("sig=(\"@method\");created=1.5")]
    [InlineData("Sig=(\"@method\")")]
    [InlineData("sig=(\"@method\"),")]
    [InlineData("sig=(\"unterminated)")]
    [InlineData("sig=:not base64!:")]
    public void MalformedFields_DoNotParse(string field)
    {
        Assert.False(StructuredFields.TryParseDictionary(field, out _));
    }

    [Fact]
    public void Strings_WithEscapes_RoundTrip()
    {
        var serialized = StructuredFields.Serialize(["a\"b", "c\\d"], [new("keyid", "k\"1"), new("created", 5L)]);

        Assert.True(StructuredFields.TryParseDictionary("x=" + serialized, out var parsed));
        Assert.Equal(["a\"b", "c\\d"], ((List<SfItem>)parsed["x"].Value).Select(i => (string)i.Value));
        Assert.Equal("k\"1", parsed["x"].Parameter("keyid"));
        Assert.Equal(serialized, StructuredFields.Serialize(["a\"b", "c\\d"], parsed["x"].Parameters));
    }
}
