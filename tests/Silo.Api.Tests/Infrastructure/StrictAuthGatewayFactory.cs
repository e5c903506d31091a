using Microsoft.AspNetCore.Hosting;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>The front end on real Kestrel with a failed-authentication budget of 3 per minute per address.</summary>
public sealed class StrictAuthGatewayFactory : KestrelGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Security:FailedAuthenticationsPerMinute", "3");
    }
}
