using Microsoft.AspNetCore.Hosting;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>The front end on real Kestrel with failed-authentication budgets of 3 per minute per address (data plane and admin API each).</summary>
public sealed class StrictAuthGatewayFactory : KestrelGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Security:FailedAuthenticationsPerMinute", "3");
        builder.UseSetting("Admin:FailedAuthenticationsPerMinute", "3");
    }
}
