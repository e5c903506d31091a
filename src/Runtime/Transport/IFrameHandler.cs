namespace Silo.Runtime.Transport;

/// <summary>Receives the frames of a connection (on its read loop: must not block) and its closing.</summary>
internal interface IFrameHandler
{
    void OnFrame(SiloConnection connection, Frame frame);

    void OnClosed(SiloConnection connection, Exception? error);
}
