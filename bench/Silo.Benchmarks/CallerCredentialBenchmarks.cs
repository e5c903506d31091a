using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Silo.Signing;

namespace Silo.Benchmarks;

/// <summary>
/// What authenticating a caller and signing a forwarded request cost a front end, per request, with nothing
/// fetched: an API key's check (SHA-256 of the secret, constant-time compare; the baseline), a JWT's validation
/// with IdentityModel's handler (RS256 and ES256, keys in hand), and one RFC 9421 hmac-sha256 signature.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CallerCredentialBenchmarks
{
    private static readonly byte[] Secret = "an-api-key-secret-of-32-chars..."u8.ToArray();
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private byte[] _storedHash = [];
    private string _rsaToken = "";
    private string _ecToken = "";
    private TokenValidationParameters _parameters = null!;
    private SignedMessage _message = null!;
    private readonly SigningKey[] _signingKeys = [new("sig_bench", RandomNumberGenerator.GetBytes(32))];

    [GlobalSetup]
    public void Setup()
    {
        _storedHash = SHA256.HashData(Secret);
        var rsa = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa" };
        var ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec" };
        _rsaToken = Token(new SigningCredentials(rsa, SecurityAlgorithms.RsaSha256));
        _ecToken = Token(new SigningCredentials(ec, SecurityAlgorithms.EcdsaSha256));
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = "https://idp.example",
            ValidAudience = "api",
            IssuerSigningKeys = [rsa, ec],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            TryAllIssuerSigningKeys = false,
            RequireExpirationTime = true,
        };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["silo-tenant-id"] = "acme", ["silo-key-id"] = "k_123" };
        _message = new SignedMessage("GET", "http://10.0.0.5:8080/orders/42?x=1", name => fields.GetValueOrDefault(name), HasBody: false);
    }

    private string Token(SigningCredentials credentials) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://idp.example",
        Audience = "api",
        Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = credentials,
    });

    [Benchmark(Baseline = true)]
    public bool ApiKey() => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Secret), _storedHash);

    [Benchmark]
    public async Task<bool> JwtRs256() => (await _handler.ValidateTokenAsync(_rsaToken, _parameters)).IsValid;

    [Benchmark]
    public async Task<bool> JwtEs256() => (await _handler.ValidateTokenAsync(_ecToken, _parameters)).IsValid;

    [Benchmark]
    public string SignForwardedRequest() =>
        RequestSigner.Sign(_message, SiloSignature.Components, _signingKeys, DateTimeOffset.UtcNow, SiloSignature.ValidFor).Signature;
}
