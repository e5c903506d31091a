namespace Silo.Api.Caching;

/// <summary>One response of a service: who shares it (<paramref name="Scope"/>), its target, and the values of the request headers it varies on.</summary>
internal sealed record EntryKey(string Service, string Scope, string Target, string Variant);
