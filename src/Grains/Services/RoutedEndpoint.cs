namespace Silo.Grains.Services;

/// <summary>An endpoint a front end may send to, with its load-balancing weight.</summary>
public sealed record RoutedEndpoint(string Url, int Weight);
