namespace Silo.Grains.Health;

/// <summary>Where one endpoint stands in passive outlier detection, for the admin API and dashboards.</summary>
/// <param name="Ejected">Whether the endpoint is ejected now.</param>
/// <param name="EjectedFor">How much longer the ejection lasts; zero when not ejected.</param>
/// <param name="ConsecutiveFailures">Failed calls in a row, all front ends together, since the last success.</param>
/// <param name="Ejections">The ejection multiplier: ejections in a row, less one per base ejection time spent admitted since.</param>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct OutlierStatus(bool Ejected, TimeSpan EjectedFor, int ConsecutiveFailures, int Ejections);
