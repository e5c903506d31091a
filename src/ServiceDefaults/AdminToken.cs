using System.Security.Cryptography;
using System.Text;

namespace Silo.ServiceDefaults;

/// <summary>
/// The admin token (<c>Admin:Token</c>): the front ends' bearer token and sign-in, and the password of a silo's
/// dashboard pages. Configured, or generated at start-up on a front end outside Production.
/// Compared in constant time over SHA-256 digests, so neither content nor length leaks through timing.
/// </summary>
public sealed class AdminToken
{
    /// <summary>The shortest configured token accepted.</summary>
    public const int MinimumLength = 16;

    private readonly byte[] _digest;

    private AdminToken(string token, bool generated)
    {
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        Generated = generated;
        Value = generated ? token : null;
    }

    /// <summary>True when no token was configured and this one was made at start-up.</summary>
    public bool Generated { get; }

    /// <summary>The token itself, kept only when generated (so start-up can print it once).</summary>
    public string? Value { get; }

    /// <summary>The configured token, or a generated one when none is (validation has refused that in Production).</summary>
    public static AdminToken FromConfiguration(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? new AdminToken(RandomNumberGenerator.GetHexString(32, lowercase: true), generated: true)
            : new AdminToken(configured, generated: false);

    public bool Matches(string? presented)
    {
        if (presented is null)
        {
            return false;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}
