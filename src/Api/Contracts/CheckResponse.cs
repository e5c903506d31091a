namespace Silo.Api.Contracts;

/// <summary>Answer of <c>POST /v1/check</c> when admitted.</summary>
public sealed record CheckResponse(bool Allowed, long Limit, long Remaining, int ResetSeconds);
