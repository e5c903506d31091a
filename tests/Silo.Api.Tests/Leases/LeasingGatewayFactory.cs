using Microsoft.AspNetCore.Hosting;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Leases;

/// <summary>The front end with leases asked for from the second request of a key a second, so a test's traffic leases.</summary>
public sealed class LeasingGatewayFactory : GatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Admission:Leases:MinimumRate", "2");
    }
}
