using Silo.Api.Contracts;

namespace Silo.Api.Config;

/// <summary>
/// The gateway's configuration as one document (YAML or JSON): tenants with their keys, and services. The shapes
/// are the admin API's own (a service is the body of <c>POST /admin/services</c>); secrets are never part of it.
/// </summary>
public sealed record GatewayConfig(IReadOnlyList<TenantConfig>? Tenants = null, IReadOnlyList<CreateServiceRequest>? Services = null);
