using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Silo.TestKit;

/// <summary>
/// An identity provider on a real loopback port: an OpenID Connect discovery document and a JWKS endpoint
/// publishing the keys a test chooses (RSA and ECDSA), tokens signed with any of them, a count of key set
/// fetches, and an outage switch (the endpoints then answer 503).
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly Dictionary<string, (SecurityKey Key, string Algorithm)> _keys = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new();
    private LoopbackApp? _app;
    private int _jwksFetches;

    private TestIdentityProvider()
    {
    }

    public string Issuer => _app!.BaseUrl;

    public string JwksUri => _app!.BaseUrl + "/jwks";

    public string DiscoveryUri => _app!.BaseUrl + "/.well-known/openid-configuration";

    /// <summary>The key ids published now.</summary>
    public HashSet<string> Published { get; } = new(StringComparer.Ordinal);

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public bool Down { get; set; }

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var idp = new TestIdentityProvider();
        idp.AddKey("rsa-1", new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256, publish: true);
        idp.AddKey("ec-1", new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" }, SecurityAlgorithms.EcdsaSha256, publish: true);
        idp.AddKey("rsa-2", new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-2" }, SecurityAlgorithms.RsaSha256, publish: false);
        idp._app = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/.well-known/openid-configuration", () => idp.Down
                ? Results.StatusCode(503)
                : Results.Json(new Dictionary<string, string> { ["issuer"] = idp.Issuer, ["jwks_uri"] = idp.JwksUri }));
            app.MapGet("/jwks", () =>
            {
                Interlocked.Increment(ref idp._jwksFetches);
                return idp.Down ? Results.StatusCode(503) : Results.Text(idp.Jwks(), "application/json");
            });
        });
        return idp;
    }

    private void AddKey(string kid, SecurityKey key, string algorithm, bool publish)
    {
        _keys[kid] = (key, algorithm);
        if (publish)
        {
            Published.Add(kid);
        }
    }

    /// <summary>The published keys as a JWKS document (public parts only).</summary>
    private string Jwks() => JsonSerializer.Serialize(new
    {
        keys = Published.Select(kid => _keys[kid].Key switch
        {
            RsaSecurityKey rsa => (object)Public(JsonWebKeyConverter.ConvertFromRSASecurityKey(rsa)),
            ECDsaSecurityKey ec => Public(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec)),
            _ => throw new InvalidOperationException(),
        }).ToArray(),
    });

    private static Dictionary<string, string> Public(JsonWebKey key)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["kty"] = key.Kty, ["kid"] = key.Kid, ["use"] = "sig" };
        if (key.Kty == "RSA")
        {
            fields["n"] = key.N;
            fields["e"] = key.E;
        }
        else
        {
            fields["crv"] = key.Crv;
            fields["x"] = key.X;
            fields["y"] = key.Y;
        }

        return fields;
    }

    /// <summary>A token signed with key <paramref name="kid"/> (published or not).</summary>
    public string Token(string subject, string kid = "rsa-1", string audience = "api", string? issuer = null, TimeSpan? expiresIn = null, DateTime? notBefore = null, string? scope = null)
    {
        var (key, algorithm) = _keys[kid];
        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            IssuedAt = now.AddMinutes(-10),
            NotBefore = notBefore ?? now.AddMinutes(-10),
            Expires = now + (expiresIn ?? TimeSpan.FromMinutes(10)),
            SigningCredentials = new SigningCredentials(key, algorithm),
            Claims = scope is null ? null : new Dictionary<string, object>(StringComparer.Ordinal) { ["scope"] = scope },
        });
    }

    /// <summary>A token signed with HMAC under <paramref name="secret"/> (what an algorithm-confusion attack sends).</summary>
    public string SymmetricToken(string subject, byte[] secret) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = "api",
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = "rsa-1" }, SecurityAlgorithms.HmacSha256),
    });

    /// <summary>An unsigned token (<c>alg: none</c>).</summary>
    public string UnsignedToken(string subject) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = "api",
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        Expires = DateTime.UtcNow.AddMinutes(10),
    });

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
