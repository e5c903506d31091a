using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Forwarding;

/// <summary>A tenant, a key and a service on the real proxy route, for tests of what every proxied request gets.</summary>
public static class ProxySetup
{
    public static async Task<(string Key, string Service)> CreateAsync(GatewayFactory gateway, string endpointUrl)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(endpointUrl);
        return (key, service);
    }
}
