using Microsoft.Extensions.Logging;
using Silo.Runtime.Activation;
using Silo.Runtime.Serialization;
using Silo.Runtime.Transport;

namespace Silo.Runtime.Cluster;

/// <summary>
/// Serves calls that arrive on a silo's incoming connections. A call for a grain this silo does not own
/// (under its membership view, refreshed first if the caller has seen a newer version) is answered with
/// "not owner" before anything runs, so the caller can safely retry at the right silo.
/// </summary>
internal sealed partial class SiloRequestHandler(
    ClusterMembershipService membership,
    SiloIdentity self,
    Catalog catalog,
    GrainCodec codec,
    ILogger<SiloRequestHandler> logger) : IFrameHandler
{
    private int _inFlight;

    /// <summary>Calls received and not answered yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void OnFrame(SiloConnection connection, Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Ping:
                connection.Send(FrameKind.Pong, frame.Id, ReadOnlyMemory<byte>.Empty);
                break;
            case FrameKind.Request:
                Handle(connection, frame, refreshed: false);
                break;
        }
    }

    public void OnClosed(SiloConnection connection, Exception? error)
    {
        // Calls still running here complete normally; their answers have nowhere to go.
    }

    private void Handle(SiloConnection connection, Frame frame, bool refreshed)
    {
        string type, key, interfaceName;
        int methodId;
        long callerVersion;
        byte[] arguments;
        try
        {
            var reader = new MessageReader(frame.Payload.Span);
            type = reader.ReadString();
            key = reader.ReadString();
            interfaceName = reader.ReadString();
            methodId = reader.ReadInt32();
            callerVersion = reader.ReadInt64();
            arguments = reader.Rest.ToArray();
        }
        catch (InvalidDataException ex)
        {
            connection.Send(FrameKind.Exception, frame.Id, ExceptionCodec.Write(ex));
            return;
        }

        var grainId = new GrainId(type, key);
        if (membership.Placement.Owner(grainId) != self.Address)
        {
            if (!refreshed && callerVersion > membership.Version)
            {
                _ = RefreshThenHandleAsync(connection, frame, callerVersion);
                return;
            }

            connection.Send(FrameKind.NotOwner, frame.Id, new MessageWriter().WriteInt64(membership.Version).ToMemory());
            return;
        }

        var request = CreateRequest(connection, frame.Id, interfaceName, methodId, arguments);
        if (request is null)
        {
            return;
        }

        Interlocked.Increment(ref _inFlight);
        var id = frame.Id;
        request.CompletionCallback = completed =>
        {
            var response = completed.CaptureResponse(codec);
            if (response.Exception is { } exception)
            {
                connection.Send(FrameKind.Exception, id, ExceptionCodec.Write(exception));
            }
            else
            {
                connection.Send(FrameKind.Response, id, response.Value);
            }

            Interlocked.Decrement(ref _inFlight);
        };

        // Not inline: the connection's read loop must keep reading while the grain works.
        catalog.Dispatch(grainId, request, runInline: false);
    }

    private GrainRequest? CreateRequest(SiloConnection connection, long id, string interfaceName, int methodId, byte[] arguments)
    {
        try
        {
            if (!GrainInterfaceRegistry.TryGet(interfaceName, out var info))
            {
                throw new InvalidOperationException($"Unknown grain interface '{interfaceName}' on this silo.");
            }

            var request = info.CreateRequest(methodId);
            codec.DeserializeArguments(request, arguments);
            return request;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentOutOfRangeException or System.Text.Json.JsonException)
        {
            LogBadRequest(logger, connection.Remote, ex.Message);
            connection.Send(FrameKind.Exception, id, ExceptionCodec.Write(ex));
            return null;
        }
    }

    private async Task RefreshThenHandleAsync(SiloConnection connection, Frame frame, long callerVersion)
    {
        try
        {
            await membership.RefreshAsync(callerVersion).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRefreshFailed(logger, ex.Message);
        }

        Handle(connection, frame, refreshed: true);
    }

    [LoggerMessage(EventId = 910, Level = LogLevel.Warning, Message = "Refused a malformed call from {Remote}: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 911, Level = LogLevel.Warning, Message = "Membership refresh for a newer caller failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
