using Microsoft.AspNetCore.Http.Features;

namespace Silo.Api.Forwarding;

/// <summary>
/// The request's lifetime as the forwarder sees it while a response is recorded: the client going away does not
/// cancel the forward (<see cref="RecordingResponseBody"/>), while an abort still closes the client's connection.
/// </summary>
internal sealed class DetachedLifetime(IHttpRequestLifetimeFeature connection) : IHttpRequestLifetimeFeature
{
    public CancellationToken RequestAborted { get => CancellationToken.None; set { } }

    public void Abort() => connection.Abort();
}
