namespace Silo.Api.Config;

/// <param name="Kind"><c>tenant</c>, <c>key</c> or <c>service</c>.</param>
/// <param name="Id">The object: a tenant or service id; for a key, <c>tenant/name</c> or its id when it has one.</param>
/// <param name="Action"><c>create</c> or <c>update</c>; with prune, <c>revoke</c> (a key) or <c>delete</c> (a tenant, with its keys, or a service).</param>
/// <param name="Fields">The fields that change: for a create, every field given; none for a revoke or delete.</param>
public sealed record ConfigChange(string Kind, string Id, string Action, IReadOnlyList<FieldChange> Fields);
