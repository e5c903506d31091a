using Silo.Grains.Admission;
using Silo.Grains.Keys;
using Silo.Grains.RateLimiting;
using Silo.Grains.Tenants;
using Silo.Grains.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Grains.Tests.Keys;

public sealed class ApiKeyGrainTests
{
    private static readonly LimitDefinition KeyLimit = new("key", LimitAlgorithm.TokenBucket, 3, 60);

    [Fact]
    public async Task Admit_WithRightSecret_TakesFromKeyAndTenant()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, tenantLimit: 10);

        var result = await Admit(silo, keyId, secret, cost: 2);

        Assert.Equal(AdmissionStatus.Allowed, result.Status);
        Assert.Equal("t1", result.TenantId);
        Assert.Equal("key", result.Decision.Policy);
        Assert.Equal(1, result.Decision.Remaining);
        Assert.Equal(["key", "tenant"], result.Policies.Select(p => p.Name));
        var tenant = await silo.Grains.GetGrain<ITenantGrain>("t1").GetAsync().Bounded();
        Assert.Equal(8, tenant!.Usage[0].Remaining);
    }

    [Fact]
    public async Task Admit_WithWrongSecretOrUnknownKey_IsInvalid_AndTakesNothing()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, _) = await CreateKeyAsync(silo, tenantLimit: 10);

        Assert.Equal(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, "wrong-secret", 1)).Status);
        Assert.Equal(AdmissionStatus.InvalidKey, (await Admit(silo, "UnknownKey00", "x", 1)).Status);

        var key = await silo.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();
        Assert.Equal(3, key!.Usage[0].Remaining);
    }

    [Fact]
    public async Task Admit_KeyLimitExhausted_IsLimited_WithRetryAfter()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, tenantLimit: 10);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Admit(silo, keyId, secret, 1)).IsAllowed);
        }

        var limited = await Admit(silo, keyId, secret, 1);

        Assert.Equal(AdmissionStatus.Limited, limited.Status);
        Assert.Equal(20, limited.Decision.RetryAfterSeconds);

        silo.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await Admit(silo, keyId, secret, 1)).IsAllowed);
    }

    [Fact]
    public async Task Admit_TenantRejects_RefundsKey()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, tenantLimit: 1);
        Assert.True((await Admit(silo, keyId, secret, 1)).IsAllowed);

        var limited = await Admit(silo, keyId, secret, 1);

        Assert.Equal(AdmissionStatus.Limited, limited.Status);
        Assert.Equal("tenant", limited.Decision.Policy);
        var key = await silo.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();
        Assert.Equal(2, key!.Usage[0].Remaining);
    }

    [Fact]
    public async Task Admit_OutOfScope_Expired_AndCostTooHigh_AreRefused()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, secret) = await CreateKeyAsync(silo, tenantLimit: 10, scopes: ["orders"], expiresIn: TimeSpan.FromHours(1));

        Assert.Equal(AdmissionStatus.Allowed, (await Admit(silo, keyId, secret, 1, "orders")).Status);
        Assert.Equal(AdmissionStatus.OutOfScope, (await Admit(silo, keyId, secret, 1, "billing")).Status);
        Assert.Equal(AdmissionStatus.CostTooHigh, (await Admit(silo, keyId, secret, 4)).Status);

        silo.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(AdmissionStatus.Expired, (await Admit(silo, keyId, secret, 1)).Status);
    }

    [Fact]
    public async Task KeyInfo_NeverContainsTheSecretHash()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, _) = await CreateKeyAsync(silo, tenantLimit: 10);

        var info = await silo.Grains.GetGrain<IApiKeyGrain>(keyId).GetAsync().Bounded();

        Assert.NotNull(info);
        Assert.DoesNotContain(typeof(ApiKeyInfo).GetProperties(), p => p.PropertyType == typeof(byte[]));
        Assert.Equal("t1", info.TenantId);
    }

    [Fact]
    public async Task RotatedSecrets_EachWorkUntilTheirOwnGraceEnds()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, original) = await CreateKeyAsync(silo, tenantLimit: 100);
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        var (_, first) = TestKeys.Generate();
        var (_, second) = TestKeys.Generate();

        Assert.Equal(RotationStatus.Rotated, await key.RotateAsync(TestKeys.Hash(first), TimeSpan.FromSeconds(10)).Bounded());
        silo.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(RotationStatus.Rotated, await key.RotateAsync(TestKeys.Hash(second), TimeSpan.FromSeconds(10)).Bounded());
        Assert.NotEqual(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, original, 1)).Status);
        Assert.NotEqual(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, first, 1)).Status);

        // The original's grace (10 s from the first rotation) is over; the first's (10 s from the second) is not.
        silo.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, original, 1)).Status);
        Assert.NotEqual(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, first, 1)).Status);
        Assert.NotEqual(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, second, 1)).Status);

        silo.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, first, 1)).Status);
        Assert.NotEqual(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, second, 1)).Status);
    }

    [Fact]
    public async Task Revoke_EndsEveryGracedSecretToo()
    {
        await using var silo = await GatewayCluster.StartAsync();
        var (keyId, original) = await CreateKeyAsync(silo, tenantLimit: 100);
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        var (_, next) = TestKeys.Generate();
        Assert.Equal(RotationStatus.Rotated, await key.RotateAsync(TestKeys.Hash(next), TimeSpan.FromHours(1)).Bounded());

        Assert.True(await key.RevokeAsync().Bounded());

        Assert.Equal(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, original, 1)).Status);
        Assert.Equal(AdmissionStatus.InvalidKey, (await Admit(silo, keyId, next, 1)).Status);
        Assert.Equal(RotationStatus.NotFound, await key.RotateAsync(TestKeys.Hash(original), TimeSpan.Zero).Bounded());
    }

    [Fact]
    public async Task CreateKey_ForUnknownTenant_Fails()
    {
        await using var silo = await GatewayCluster.StartAsync();

        var status = await silo.Grains.GetGrain<ITenantGrain>("nobody")
            .CreateKeyAsync("AAAAAAAAAAAA", new ApiKeyDefinition("k", [], [], null), [1, 2, 3]).Bounded();

        Assert.Equal(CreateKeyStatus.TenantNotFound, status);
    }

    private static async Task<(string KeyId, string Secret)> CreateKeyAsync(
        GatewayCluster silo, long tenantLimit, IReadOnlyList<string>? scopes = null, TimeSpan? expiresIn = null)
    {
        var tenant = silo.Grains.GetGrain<ITenantGrain>("t1");
        Assert.True(await tenant.CreateAsync(new TenantDefinition("T1", [new LimitDefinition("tenant", LimitAlgorithm.TokenBucket, tenantLimit, 60)])).Bounded());
        var (keyId, secret) = TestKeys.Generate();
        var expiresAt = expiresIn is { } e ? silo.Time.GetUtcNow() + e : (DateTimeOffset?)null;
        var status = await tenant.CreateKeyAsync(keyId, new ApiKeyDefinition("k", [KeyLimit], scopes ?? [], expiresAt), TestKeys.Hash(secret)).Bounded();
        Assert.Equal(CreateKeyStatus.Created, status);
        return (keyId, secret);
    }

    private static Task<AdmissionResult> Admit(GatewayCluster silo, string keyId, string secret, long cost, string? service = null) =>
        silo.Grains.GetGrain<IApiKeyGrain>(keyId).AdmitAsync(new AdmissionRequest(TestKeys.Hash(secret), cost, service)).Bounded();
}
