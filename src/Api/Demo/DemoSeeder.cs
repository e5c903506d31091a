using System.Security.Cryptography;
using Silo.ServiceDefaults;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Silo.Api.Auth;
using Silo.Grains.Keys;
using Silo.Grains.LoadBalancing;
using Silo.Grains.RateLimiting;
using Silo.Grains.Services;
using Silo.Grains.Tenants;
using Silo.Api.Errors;
using Microsoft.Extensions.Options;
using Silo.Api.Hosting;

namespace Silo.Api.Demo;

/// <summary>
/// Seeds the embedded default once the server listens: tenant <c>demo</c>, a demo key and service
/// <c>echo</c> (pointing at the built-in echo endpoint, its forwarded requests signed), then prints how to call them. The banner goes to
/// standard output on purpose, not to the log: it is the one place the demo key and a generated admin
/// token are shown, and log pipelines must never carry secrets.
/// </summary>
internal sealed partial class DemoSeeder(
    IHostApplicationLifetime lifetime,
    IServer server,
    IGrainFactory grains,
    IClusterReadiness silo,
    TimeProvider time,
    AdminToken adminToken,
    IOptions<DemoOptions> options,
    ILogger<DemoSeeder> logger) : IHostedService
{
    public const string TenantId = "demo";
    public const string ServiceId = "echo";

    /// <summary>The demo key's limit: small, so a newcomer sees a 429 after a few calls.</summary>
    public static readonly LimitDefinition KeyLimit = new("per-minute", LimitAlgorithm.TokenBucket, 10, 60);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Seed)
        {
            return Task.CompletedTask;
        }

        lifetime.ApplicationStarted.Register(() => _ = SeedAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedAsync()
    {
        try
        {
            // In cluster mode the silos may not be visible yet.
            for (var waited = 0; !silo.IsReady && waited < 300; waited++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time);
            }

            var address = ListeningAddress();
            if (address is null)
            {
                LogNoAddress(logger);
                return;
            }

            await grains.GetGrain<ITenantGrain>(TenantId).CreateAsync(new TenantDefinition("Demo tenant", [new LimitDefinition("tenant-per-minute", LimitAlgorithm.TokenBucket, 1000, 60)]));
            var service = grains.GetGrain<IServiceGrain>(ServiceId);
            await service.CreateAsync(new ServiceDefinition(
                ServiceId, [new EndpointDefinition(address + DemoEchoEndpoints.BasePath)], LoadBalancingPolicy.RoundRobin, 10, null, null));
            if ((await service.GetAsync())?.Signing is not { Count: > 0 })
            {
                // The echo verifies what the gateway signs: a newcomer sees signed forwarding work from the first call.
                await service.AddSigningKeyAsync("sig_demo", RandomNumberGenerator.GetBytes(32), TimeSpan.Zero);
            }

            var (keyId, key, secret) = ApiKeyFormat.Generate();
            await grains.GetGrain<ITenantGrain>(TenantId).CreateKeyAsync(
                keyId, new ApiKeyDefinition("demo", [KeyLimit], [], null), ApiKeyFormat.HashSecret(secret));
            LogSeeded(logger, TenantId, keyId, ServiceId);
            PrintBanner(address, key);
        }
        catch (Exception ex) when (GrainFailures.IsTransient(ex))
        {
            LogSeedFailed(logger, ex);
        }
    }

    private string? ListeningAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        var http = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (http is null)
        {
            return null;
        }

        var uri = new Uri(http);
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*" or "localhost" ? "127.0.0.1" : uri.Host;
        return $"http://{host}:{uri.Port}";
    }

    private void PrintBanner(string address, string key)
    {
        var admin = adminToken.Generated ? adminToken.Value! : "<your Admin__Token>";
        Console.Out.Write($"""

            ================================================================================
             Silo is ready: front end + one embedded silo, in-memory storage
               gateway      {address}
               demo tenant  {TenantId}   demo service  {ServiceId}   demo key limit  10 requests/minute
               admin token  {(adminToken.Generated ? admin + "   (generated; set Admin__Token to choose one)" : "(configured)")}
               console      {address}/console/   (sign in with the admin token)

             Copy and paste:
               export SILO={address} SILO_KEY={key} SILO_ADMIN={admin}
               curl -H "X-Api-Key: $SILO_KEY" $SILO/echo/hello
            ================================================================================

            """);
        Console.Out.Flush();
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Demo seeded: tenant {TenantId}, key {KeyId}, service {ServiceId}")]
    private static partial void LogSeeded(ILogger logger, string tenantId, string keyId, string serviceId);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Demo not seeded: the server reports no http address")]
    private static partial void LogNoAddress(ILogger logger);

    [LoggerMessage(EventId = 902, Level = LogLevel.Error, Message = "Demo seeding failed")]
    private static partial void LogSeedFailed(ILogger logger, Exception exception);
}
