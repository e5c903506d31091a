using Silo.Api.Auth;

namespace Silo.Api.Tests.Auth;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void GeneratedKey_ParsesBackToItsIdAndSecret()
    {
        var (keyId, key, secret) = ApiKeyFormat.Generate();

        Assert.Equal(ApiKeyFormat.Length, key.Length);
        Assert.StartsWith("sk_" + keyId + "_", key, StringComparison.Ordinal);
        Assert.True(ApiKeyFormat.TryParse(key, out var parsedId, out var parsedSecret));
        Assert.Equal(keyId, parsedId);
        Assert.Equal(secret, parsedSecret);
        Assert.True(ApiKeyFormat.IsKeyId(keyId));
    }

    [Fact]
    public void GeneratedKeys_AreDistinct()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeyFormat.Generate().Key).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(1000, keys.Count);
    }

    [Fact]
    public void AnySingleCharacterChange_FailsTheChecksum()
    {
        var (_, key, _) = ApiKeyFormat.Generate();
        for (var i = 3; i < key.Length; i++)
        {
            if (key[i] == '_')
            {
                continue;
            }

            var altered = key.ToCharArray();
            altered[i] = altered[i] == 'a' ? 'b' : 'a';
            Assert.False(ApiKeyFormat.TryParse(new string(altered), out _, out _), $"change at {i} was accepted");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk_")]
    [InlineData("not-a-key")]
    [InlineData("pk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBCCCCCC")]
    [InlineData("sk_AAAAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBBBBCCCCCC")]
    [InlineData("sk_AAAAAAAAAAA!_BBBBBBBBBBBBBBBBBBBBBBBBCCCCCC")]
    [InlineData("sk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBCCCCCC")]
    [InlineData("sk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBCCCCCCX")]
    public void Malformed_IsRejected(string candidate)
    {
        Assert.False(ApiKeyFormat.TryParse(candidate, out _, out _));
    }

    [Fact]
    public void Compose_ProducesAValidKey()
    {
        var key = ApiKeyFormat.Compose("AAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBB");

        Assert.True(ApiKeyFormat.TryParse(key, out var id, out var secret));
        Assert.Equal("AAAAAAAAAAAA", id);
        Assert.Equal("BBBBBBBBBBBBBBBBBBBBBBBB", secret);
    }

    [Fact]
    public void HashSecret_IsSha256()
    {
        var hash = ApiKeyFormat.HashSecret("abc");

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(hash));
    }
}
