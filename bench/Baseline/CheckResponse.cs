namespace Silo.Bench.Baseline;

/// <summary>The same answer shape as Silo's <c>POST /v1/check</c>.</summary>
internal sealed record CheckResponse(bool Allowed, long Limit, long Remaining, int ResetSeconds);
