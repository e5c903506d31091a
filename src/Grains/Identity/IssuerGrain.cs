using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Silo.Grains.Services;

namespace Silo.Grains.Identity;

/// <summary>
/// One token issuer: the tenant that registered it (written through) and its signing keys (in memory, fetched
/// again by a new activation). Keys are fetched when first asked for, every <see cref="IdentityOptions.RefreshSeconds"/>
/// while the grain is active, and when a front end asks for a refresh (it met an unknown key id) — never twice
/// within <see cref="IdentityOptions.MinRefreshSeconds"/>. A failed fetch keeps the keys fetched before.
/// </summary>
public sealed partial class IssuerGrain(
    [PersistentState("issuer")] IPersistentState<IssuerState> state,
    JwksFetcher fetcher,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<IssuerGrain> logger) : Grain, IIssuerGrain
{
    private IssuerKeys _keys = new(null, null, null);
    private DateTimeOffset? _lastAttempt;
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Definition is not null)
        {
            StartTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<bool> ClaimAsync(string tenantId, IssuerDefinition definition)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(definition);
        if (state.State.TenantId is { } holder && holder != tenantId)
        {
            return false;
        }

        if (state.State.Definition is { } old && old.SameAs(definition))
        {
            return true;
        }

        var moved = state.State.Definition is not { } previous || previous.JwksUri != definition.JwksUri || previous.DiscoveryUri != definition.DiscoveryUri;
        state.State.TenantId = tenantId;
        state.State.Definition = definition;
        await state.WriteStateAsync();
        await new IndexListing(this, GrainFactory, IDirectoryGrain.Issuers, definition.Issuer, logger).EnsureAsync();
        if (moved)
        {
            // Keys from another place are not this issuer's any more.
            _keys = new IssuerKeys(null, null, null);
            _lastAttempt = null;
        }

        StartTimer();
        return true;
    }

    public async Task ReleaseAsync(string tenantId)
    {
        if (state.State.TenantId != tenantId)
        {
            return;
        }

        await state.ClearStateAsync();
        _keys = new IssuerKeys(null, null, null);
        _timer?.Dispose();
        _timer = null;
    }

    public Task<IssuerClaim?> GetAsync() =>
        Task.FromResult(state.State is { TenantId: { } tenantId, Definition: { } definition } ? new IssuerClaim(tenantId, definition) : null);

    public async Task<IssuerKeys> GetKeysAsync(bool refresh)
    {
        if (state.State.Definition is null)
        {
            return _keys;
        }

        if (_keys.Jwks is null || refresh)
        {
            await FetchAsync();
        }

        return _keys;
    }

    /// <summary>Fetches the keys unless the last attempt is more recent than the minimum refresh interval.</summary>
    private async Task FetchAsync()
    {
        var now = time.GetUtcNow();
        if (_lastAttempt is { } last && now - last < TimeSpan.FromSeconds(options.Value.MinRefreshSeconds) || state.State.Definition is not { } definition)
        {
            return;
        }

        _lastAttempt = now;
        try
        {
            var jwks = await fetcher.FetchAsync(definition, TimeSpan.FromSeconds(options.Value.FetchTimeoutSeconds), CancellationToken.None);
            _keys = new IssuerKeys(jwks, time.GetUtcNow(), null);
            LogFetched(logger, definition.Issuer);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or InvalidOperationException or ArgumentException)
        {
            // The keys fetched before (if any) keep serving; front ends refuse them once they are too old.
            _keys = _keys with { LastError = ex.GetType().Name };
            LogFetchFailed(logger, definition.Issuer, ex.GetType().Name, _keys.FetchedAt);
        }
    }

    private void StartTimer()
    {
        var every = TimeSpan.FromSeconds(options.Value.RefreshSeconds);
        _timer ??= this.RegisterGrainTimer(_ => FetchAsync(), new GrainTimerCreationOptions(every, every) { Interleave = false });
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Issuer {Issuer}: signing keys fetched")]
    private static partial void LogFetched(ILogger logger, string issuer);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Issuer {Issuer}: fetching signing keys failed ({Error}); keys fetched at {FetchedAt} keep serving")]
    private static partial void LogFetchFailed(ILogger logger, string issuer, string error, DateTimeOffset? fetchedAt);
}
