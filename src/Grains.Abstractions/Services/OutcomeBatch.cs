namespace Silo.Grains.Services;

/// <summary>A front end's batch of outcomes for one service (sent every 100 ms or 100 outcomes).</summary>
[GenerateSerializer, Immutable, Alias("silo.OutcomeBatch")]
public sealed record OutcomeBatch(string ReporterId, IReadOnlyList<EndpointReport> Endpoints);
