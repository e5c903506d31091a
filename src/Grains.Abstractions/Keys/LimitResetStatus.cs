namespace Silo.Grains.Keys;

/// <summary>What <see cref="IApiKeyGrain.ResetLimitAsync"/> did.</summary>
[GenerateSerializer, Alias("silo.LimitResetStatus")]
public enum LimitResetStatus
{
    /// <summary>The limit starts afresh.</summary>
    Reset,

    /// <summary>No such key.</summary>
    KeyNotFound,

    /// <summary>The key has no limit of that name.</summary>
    LimitNotFound,
}
