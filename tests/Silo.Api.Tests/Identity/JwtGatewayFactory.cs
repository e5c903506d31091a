using Microsoft.AspNetCore.Hosting;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Identity;

/// <summary>
/// The gateway with key fetches unthrottled (every unknown key id goes to the identity provider) and signing keys
/// refused once 3 s old without a newer fetch, so rollover and outage tests need not wait for production intervals.
/// </summary>
public sealed class JwtGatewayFactory : GatewayFactory
{
    public const int MaxKeyAgeSeconds = 3;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Identity:MinRefreshSeconds", "0");
        builder.UseSetting("Identity:KeyRequestGapSeconds", "0");
        builder.UseSetting("Identity:MaxKeyAgeSeconds", MaxKeyAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
