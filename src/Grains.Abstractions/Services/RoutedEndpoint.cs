namespace Silo.Grains.Services;

/// <summary>
/// An endpoint a front end may send to, with its load-balancing weight. <see cref="PanicOnly"/> marks an
/// endpoint that is routed only because the service is in panic: it is unhealthy or ejected.
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.RoutedEndpoint")]
public sealed record RoutedEndpoint(string Url, int Weight, bool PanicOnly = false);
