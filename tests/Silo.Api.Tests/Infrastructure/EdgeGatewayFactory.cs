using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>
/// The front end on real Kestrel with small edge limits: bodies up to 2 KiB, loopback as a trusted proxy,
/// 3 failed authentications (data plane and admin API each) and 40 admin requests per minute per address;
/// logs are collected (<see cref="Microsoft.Extensions.Logging.Testing.FakeLogCollector"/>).
/// </summary>
public sealed class EdgeGatewayFactory : KestrelGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Edge:MaxBodyBytes", "2048");
        builder.UseSetting("Edge:TrustedProxies:0", "127.0.0.0/8");
        builder.UseSetting("Security:FailedAuthenticationsPerMinute", "3");
        builder.UseSetting("Admin:FailedAuthenticationsPerMinute", "3");
        builder.UseSetting("Admin:RequestsPerMinute", "40");
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
    }
}
