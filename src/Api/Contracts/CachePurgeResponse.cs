namespace Silo.Api.Contracts;

/// <summary>
/// The answer to <c>DELETE /admin/services/{service}/cache</c>: entries removed over every front end that answered
/// (<paramref name="FrontEndsAnswered"/> of <paramref name="FrontEnds"/>; one that did not answer within a second
/// keeps its entries until they expire); in cluster mode also from the Redis level (<paramref name="RemovedShared"/>,
/// null when there is none or Redis did not answer: its copies then expire on their own).
/// </summary>
public sealed record CachePurgeResponse(string Service, string? Prefix, int Removed, int FrontEnds, int FrontEndsAnswered, int? RemovedShared = null);
