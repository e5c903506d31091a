using Microsoft.Extensions.Logging;

namespace Silo.Grains.Services;

/// <summary>
/// The keys a service's forwarded requests are signed with. They are stored with the definition and travel to
/// the front ends in the routing snapshot; the admin API sees only their ids and lifetimes. A rotation keeps
/// the keys signing now for an overlap, during which each request carries one signature per key.
/// </summary>
public sealed partial class ServiceGrain
{
    // The keys in the snapshot, as one list per change (the snapshot compares it by reference); null: unsigned.
    private IReadOnlyList<ServiceSigningKey>? _signingKeys;

    public async Task<IReadOnlyList<SigningKeyInfo>?> AddSigningKeyAsync(string keyId, byte[] secret, TimeSpan overlap)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentNullException.ThrowIfNull(secret);
        if (state.State.Definition is not { } definition)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var retires = now + (overlap > TimeSpan.Zero ? overlap : TimeSpan.Zero);
        var kept = state.State.SigningKeys
            .Where(k => k.SignsAt(now) && overlap > TimeSpan.Zero)
            .Select(k => k.RetiresAt is { } r && r < retires ? k : k with { RetiresAt = retires });
        state.State.SigningKeys = [.. kept, new ServiceSigningKey(keyId, secret, now, null)];
        await state.WriteStateAsync();
        LogSigningKeyAdded(logger, definition.Id, keyId, state.State.SigningKeys.Count - 1);
        SigningKeysChanged();
        return SigningInfo();
    }

    public async Task<bool> RemoveSigningKeysAsync()
    {
        if (state.State.Definition is not { } definition)
        {
            return false;
        }

        if (state.State.SigningKeys.Count > 0)
        {
            state.State.SigningKeys = [];
            await state.WriteStateAsync();
            LogSigningStopped(logger, definition.Id);
            SigningKeysChanged();
        }

        return true;
    }

    private SigningKeyInfo[] SigningInfo() => [.. state.State.SigningKeys.Select(k => k.Info())];

    /// <summary>Takes the stored keys into the next snapshot.</summary>
    private void SigningKeysChanged()
    {
        _signingKeys = state.State.SigningKeys.Count > 0 ? [.. state.State.SigningKeys] : null;
        Rebuild();
    }

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Service {Service}: signing with key {KeyId} ({Previous} earlier key(s) sign beside it until they retire)")]
    private static partial void LogSigningKeyAdded(ILogger logger, string service, string keyId, int previous);

    [LoggerMessage(EventId = 612, Level = LogLevel.Information, Message = "Service {Service}: forwarded requests are no longer signed")]
    private static partial void LogSigningStopped(ILogger logger, string service);
}
