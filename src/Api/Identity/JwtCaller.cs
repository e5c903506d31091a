using Silo.Grains.Identity;

namespace Silo.Api.Identity;

/// <summary>
/// A validated JWT caller: its tenant, the consumer the issuer's consumer claim names, and the id of the key
/// grain that holds that consumer's limits (<see cref="ConsumerKeys"/>), and the services its scopes allow
/// (null: every service, the issuer maps no scopes).
/// </summary>
public sealed record JwtCaller(string TenantId, string Consumer, string ConsumerKeyId, IssuerDefinition Issuer, IReadOnlySet<string>? Services = null);
