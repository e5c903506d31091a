using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Silo.Grains.Identity;

namespace Silo.Api.Identity;

/// <summary>
/// Validates JWT bearer tokens with IdentityModel's <see cref="JsonWebTokenHandler"/> against the issuer a
/// tenant registered: signature by a key of the issuer's key set (asymmetric algorithms it allows only; a token
/// must be signed), <c>iss</c>, one of the audiences, <c>exp</c> (required) and <c>nbf</c> within the clock skew.
/// Issuers and their keys come from the issuer grains (one fetch from the identity provider for the whole
/// cluster) and are cached here: an issuer's settings for <see cref="ClaimTtl"/>, its keys until they are
/// <see cref="KeysTtl"/> old or a token names a key id they lack — asked again at most once per
/// <see cref="JwtOptions.KeyRequestGapSeconds"/> per issuer, so a flood of made-up key ids costs one grain call per interval.
/// A token seen again is not validated again while it is within <see cref="ValidatedFor"/> of its validation and
/// before its <c>exp</c>, and its issuer's settings and keys are still the ones it was validated with (settings are
/// read again every <see cref="ClaimTtl"/>, so at most that long after a change elsewhere).
/// </summary>
public sealed class JwtCallers(IGrainFactory grains, IssuerCatalog catalog, IOptions<JwtOptions> options, TimeProvider time, Telemetry.GatewayMetrics metrics)
{
    /// <summary>How long an issuer's settings are used before they are read again. The value is 5 seconds.</summary>
    public static readonly TimeSpan ClaimTtl = TimeSpan.FromSeconds(5);

    /// <summary>How long keys are used before the grain is asked for a newer set. The value is 5 minutes.</summary>
    public static readonly TimeSpan KeysTtl = TimeSpan.FromMinutes(5);

    /// <summary>How long a validated token is taken on trust when seen again (never past its <c>exp</c>). The value is 1 minute.</summary>
    public static readonly TimeSpan ValidatedFor = TimeSpan.FromMinutes(1);

    /// <summary>The most validated tokens kept per front end. The value is 10,000.</summary>
    public const int MaxValidated = 10_000;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    // Tokens validated lately, so a client sending the same token again costs a lookup, not a signature check.
    // An entry counts only while its issuer's settings and keys are the very ones it was validated with.
    private readonly ConcurrentDictionary<string, ValidatedToken> _validated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuerEntry> _issuers = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="bearer"/> is shaped like a JWT (three dot-separated parts), not an API key.</summary>
    public static bool LooksLikeJwt(string bearer) => bearer.AsSpan().Count('.') == 2;

    public async Task<(JwtCaller? Caller, JwtFailure? Failure)> AuthenticateAsync(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Read(token) is not { } unvalidated)
        {
            return (null, JwtFailure.Malformed);
        }

        var issuer = unvalidated.Issuer;
        if (string.IsNullOrEmpty(issuer) || issuer.Length > 2048 || !await catalog.ExistsAsync(issuer).ConfigureAwait(false))
        {
            return (null, JwtFailure.UnknownIssuer);
        }

        var entry = _issuers.GetOrAdd(issuer, static i => new IssuerEntry(i));
        if (await entry.ClaimAsync(grains, time).ConfigureAwait(false) is not { } claim)
        {
            return (null, JwtFailure.UnknownIssuer);
        }

        var keys = await entry.KeysAsync(grains, time, Gap, refresh: false).ConfigureAwait(false);
        if (TooOld(keys))
        {
            // Past the age the keys may serve: one more try for newer ones before refusing.
            keys = await entry.KeysAsync(grains, time, Gap, refresh: true).ConfigureAwait(false);
            if (TooOld(keys))
            {
                return (null, JwtFailure.KeysUnavailable);
            }
        }

        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out var seen) && seen.Until > now && ReferenceEquals(seen.Claim, claim) && ReferenceEquals(seen.Keys, keys))
        {
            metrics.TokenAccepted("remembered");
            return (seen.Caller, null);
        }

        var result = await ValidateAsync(token, unvalidated, claim.Definition, keys!).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException && await entry.KeysAsync(grains, time, Gap, refresh: true).ConfigureAwait(false) is { } newer && newer != keys)
        {
            // A key id the cached set lacks: the issuer may have rolled its keys over.
            keys = newer;
            result = await ValidateAsync(token, unvalidated, claim.Definition, newer).ConfigureAwait(false);
        }

        if (!result.IsValid)
        {
            return (null, JwtFailure.Invalid);
        }

        var consumer = result.Claims.TryGetValue(claim.Definition.ConsumerClaim, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
        if (string.IsNullOrEmpty(consumer) || consumer.Length > 256)
        {
            return (null, JwtFailure.NoConsumer);
        }

        var caller = new JwtCaller(claim.TenantId, consumer, ConsumerKeys.KeyId(claim.TenantId, claim.Definition, consumer), claim.Definition, Services(result, claim.Definition));
        metrics.TokenAccepted("validated");
        Remember(token, new ValidatedToken(caller, claim, keys!, Min(new DateTimeOffset(unvalidated.ValidTo, TimeSpan.Zero), now + ValidatedFor)));
        return (caller, null);
    }

    /// <summary>The token's header and claims, unvalidated; null when it is too long or not a JWT.</summary>
    private JsonWebToken? Read(string token)
    {
        if (token.Length > options.Value.MaxTokenLength || !_handler.CanReadToken(token))
        {
            return null;
        }

        try
        {
            return _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return null;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Keeps a validated token; past <see cref="MaxValidated"/> tokens the whole set is dropped and starts again.</summary>
    private void Remember(string token, ValidatedToken validated)
    {
        if (_validated.Count >= MaxValidated)
        {
            _validated.Clear();
        }

        _validated[token] = validated;
    }

    /// <summary>The services the token's scopes allow; null when the issuer maps no scopes.</summary>
    private static HashSet<string>? Services(TokenValidationResult result, IssuerDefinition issuer)
    {
        if (issuer.ScopesClaim is not { } name)
        {
            return null;
        }

        var prefix = issuer.ScopePrefix ?? string.Empty;
        return result.ClaimsIdentity.FindAll(name)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(s => s.StartsWith(prefix, StringComparison.Ordinal) && s.Length > prefix.Length)
            .Select(s => s[prefix.Length..])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Issuers changed through this front end: their settings are read again on the next token.</summary>
    public void Invalidate()
    {
        _issuers.Clear();
        _validated.Clear();
    }

    private bool TooOld([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] IssuerKeySet? keys) =>
        keys is null || time.GetUtcNow() - keys.FetchedAt > TimeSpan.FromSeconds(options.Value.MaxKeyAgeSeconds);

    private TimeSpan Gap => TimeSpan.FromSeconds(options.Value.KeyRequestGapSeconds);

    private Task<TokenValidationResult> ValidateAsync(string token, JsonWebToken unvalidated, IssuerDefinition issuer, IssuerKeySet keys) =>
        _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudiences = issuer.Audiences,
            ValidAlgorithms = issuer.Algorithms,
            IssuerSigningKeys = keys.Keys,
            // With a key id only that key may verify (so an unknown one asks for the issuer's new keys).
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(unvalidated.Kid),
            ClockSkew = TimeSpan.FromSeconds(issuer.ClockSkewSeconds),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            LifetimeValidator = (notBefore, expires, _, p) => Within(notBefore, expires, p.ClockSkew),
        });

    /// <summary>Lifetime on this front end's clock (a <see cref="TimeProvider"/>), not the machine's.</summary>
    private bool Within(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } e && now - skew < e && (notBefore is not { } n || n <= now + skew);
    }

    /// <summary>A token that passed validation, the caller it stands for, what it was validated with, and until when it is trusted.</summary>
    private sealed record ValidatedToken(JwtCaller Caller, IssuerClaim Claim, IssuerKeySet Keys, DateTimeOffset Until);

    /// <summary>An issuer's keys as this front end holds them.</summary>
    private sealed record IssuerKeySet(IList<SecurityKey> Keys, DateTimeOffset FetchedAt);

    /// <summary>One issuer's settings and keys on this front end, each refreshed on its own schedule.</summary>
    private sealed class IssuerEntry(string issuer)
    {
        private readonly Lock _lock = new();
        private Task<IssuerClaim?>? _claim;
        private DateTimeOffset _claimAt;
        private Task<IssuerKeySet?>? _keys;
        private DateTimeOffset _keysAskedAt;

        public Task<IssuerClaim?> ClaimAsync(IGrainFactory grains, TimeProvider time)
        {
            var now = time.GetUtcNow();
            lock (_lock)
            {
                if (_claim is null || (now - _claimAt >= ClaimTtl && _claim.IsCompleted) || _claim.IsFaulted)
                {
                    _claim = FetchClaimAsync(grains, _claim is { IsCompletedSuccessfully: true } held ? held.Result : null);
                    _claimAt = now;
                }

                return _claim;
            }
        }

        /// <summary>
        /// The issuer's settings from its grain; the instance held before when they did not change, so what was
        /// validated with them (compared by reference) stays trusted.
        /// </summary>
        private async Task<IssuerClaim?> FetchClaimAsync(IGrainFactory grains, IssuerClaim? held)
        {
            var claim = await grains.GetGrain<IIssuerGrain>(issuer).GetAsync().ConfigureAwait(false);
            return held is not null && claim is not null && held.TenantId == claim.TenantId &&
                   held.Definition.SameAs(claim.Definition)
                ? held
                : claim;
        }

        /// <summary>
        /// The keys; asked of the grain when none are held, when they are older than <see cref="KeysTtl"/>, or when
        /// <paramref name="refresh"/> — never more than once per <paramref name="gap"/>.
        /// </summary>
        public Task<IssuerKeySet?> KeysAsync(IGrainFactory grains, TimeProvider time, TimeSpan gap, bool refresh)
        {
            var now = time.GetUtcNow();
            lock (_lock)
            {
                var held = _keys is { IsCompletedSuccessfully: true } ? _keys.Result : null;
                var wanted = _keys is null || _keys.IsFaulted || held is null || refresh || now - held.FetchedAt >= KeysTtl;
                if (wanted && now - _keysAskedAt >= gap && (_keys is null || _keys.IsCompleted))
                {
                    _keysAskedAt = now;
                    _keys = FetchAsync(grains, refresh || held is not null, held);
                }

                return _keys!;
            }
        }

        private async Task<IssuerKeySet?> FetchAsync(IGrainFactory grains, bool refresh, IssuerKeySet? held)
        {
            var keys = await grains.GetGrain<IIssuerGrain>(issuer).GetKeysAsync(refresh).ConfigureAwait(false);
            if (keys is not { Jwks: { } jwks, FetchedAt: { } fetchedAt })
            {
                return held;
            }

            return held is not null && held.FetchedAt == fetchedAt ? held : new IssuerKeySet(new JsonWebKeySet(jwks).GetSigningKeys(), fetchedAt);
        }
    }
}
