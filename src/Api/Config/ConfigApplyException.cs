using Silo.Api.Contracts;

namespace Silo.Api.Config;

/// <summary>An apply that a grain failure stopped part way: what was applied, and the keys created (their secrets shown once, here).</summary>
internal sealed class ConfigApplyException(IReadOnlyList<ConfigChange> applied, IReadOnlyList<CreateKeyResponse> created, Exception inner)
    : Exception("The configuration was applied only in part.", inner)
{
    public IReadOnlyList<ConfigChange> Applied { get; } = applied;

    public IReadOnlyList<CreateKeyResponse> CreatedKeys { get; } = created;
}
