namespace Silo.Api.Contracts;

/// <summary>Body of <c>POST /v1/check</c> (optional): the cost to take (default 1) and the service it is for.</summary>
public sealed record CheckRequest(long? Cost, string? Service);
