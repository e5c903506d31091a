using Silo.Api.Contracts;

namespace Silo.Api.Config;

/// <summary>What applying a document changes (or changed): one entry per object created or updated.</summary>
/// <param name="Changed">Whether anything changes.</param>
/// <param name="Changes">The objects created or updated, field by field, then those revoked or deleted (with prune).</param>
/// <param name="Unchanged">How many objects of the document are as the gateway already has them.</param>
/// <param name="CreatedKeys">Keys created by an apply, with their secrets: shown in this answer only.</param>
public sealed record ConfigPlan(bool Changed, IReadOnlyList<ConfigChange> Changes, int Unchanged, IReadOnlyList<CreateKeyResponse>? CreatedKeys = null);
