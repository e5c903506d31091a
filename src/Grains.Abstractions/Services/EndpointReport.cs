namespace Silo.Grains.Services;

/// <summary>
/// One front end's outcomes for one endpoint since its previous report: successes, failures (5xx, connect
/// errors, timeouts) and the failures after the last success (for consecutive-failure ejection).
/// </summary>
[GenerateSerializer, Immutable, Alias("silo.EndpointReport")]
public sealed record EndpointReport(string Url, int Successes, int Failures, int TrailingFailures);
