using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>
/// The front end on real Kestrel (a free loopback port) instead of the in-memory test server: for behaviour
/// that depends on real connections (client address, aborted responses, redirects on the wire).
/// </summary>
public class KestrelGatewayFactory : GatewayFactory, IAsyncLifetime
{
    public KestrelGatewayFactory()
    {
        UseKestrel(0);
    }

    public Task InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ClientOptions.BaseAddress = new Uri(address);
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>A plain client on the real port: no redirect following, as a user's client might be.</summary>
    public override HttpClient CreateKeyClient(string key)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = ClientOptions.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Urls", "http://127.0.0.1:0");
    }
}
