namespace Silo.Grains.Services;

/// <summary>An endpoint a front end may send to, with its load-balancing weight.</summary>
[GenerateSerializer, Immutable, Alias("silo.RoutedEndpoint")]
public sealed record RoutedEndpoint(string Url, int Weight);
