namespace Silo.Api.Caching;

/// <summary>The request headers the last stored response of a target varied on.</summary>
internal sealed record VaryKey(string Service, string Scope, string Target);
