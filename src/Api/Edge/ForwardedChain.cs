namespace Silo.Api.Edge;

/// <summary>
/// Set on a request that came through a trusted proxy: what that proxy said, to pass on downstream with the
/// proxy's own address appended.
/// </summary>
internal sealed record ForwardedChain(string ForwardedFor, string? Proto, string? Host);
