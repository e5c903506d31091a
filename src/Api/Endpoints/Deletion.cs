using Silo.Api.Routing;
using Silo.Grains.Keys;
using Silo.Grains.Services;
using Silo.Grains.Tenants;

namespace Silo.Api.Endpoints;

/// <summary>
/// Deleting a service or a tenant, for the admin routes and a pruning apply of a configuration document alike.
/// Each step can be repeated, so a delete stopped half-way (a grain that could not answer) is finished by the next.
/// </summary>
internal static partial class Deletion
{
    /// <summary>
    /// Deletes a service: its grain's state, then its entry in the service directory. This front end stops routing
    /// to it at once; the others when their copy of the directory and their route refresh (each at most a second
    /// old), within about 2 s.
    /// </summary>
    public static async Task DeleteServiceAsync(IGrainFactory grains, RoutingTable routes, ILogger audit, string service)
    {
        await grains.GetGrain<IServiceGrain>(service).DeleteAsync();
        await grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Services).RemoveAsync(service);
        routes.Invalidate(service);
        LogServiceDeleted(audit, service);
    }

    /// <summary>
    /// Deletes a tenant: its keys are revoked first (each reaches every front end holding a lease of it before it
    /// answers, as a revoke does), then the tenant grain clears itself, then its entry in the tenant directory
    /// goes. False when there is no such tenant.
    /// </summary>
    public static async Task<bool> DeleteTenantAsync(IGrainFactory grains, ILogger audit, string tenant)
    {
        var grain = grains.GetGrain<ITenantGrain>(tenant);
        var info = await grain.GetAsync();
        if (info is not null)
        {
            await Task.WhenAll(info.KeyIds.Select(k => grains.GetGrain<IApiKeyGrain>(k).RevokeAsync()));
            await grain.DeleteAsync();
            LogTenantDeleted(audit, tenant, info.KeyIds.Count);
        }

        // Also when the tenant's state is gone already: a delete that stopped before this step is finished.
        await grains.GetGrain<IDirectoryGrain>(IDirectoryGrain.Tenants).RemoveAsync(tenant);
        return info is not null;
    }

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Audit: tenant {TenantId} deleted, its {Keys} key(s) revoked")]
    private static partial void LogTenantDeleted(ILogger logger, string tenantId, int keys);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Audit: service {ServiceId} deleted")]
    private static partial void LogServiceDeleted(ILogger logger, string serviceId);
}
