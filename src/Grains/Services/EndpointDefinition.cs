namespace Silo.Grains.Services;

/// <summary>A downstream endpoint: an absolute http(s) base URL and a weight.</summary>
public sealed record EndpointDefinition(string Url, int Weight = 1);
