namespace Silo.Runtime.Transport;

/// <summary>What a frame on a silo connection carries.</summary>
internal enum FrameKind : byte
{
    /// <summary>A grain call: grain id, interface, method, the caller's membership version, arguments.</summary>
    Request = 1,

    /// <summary>The result of a call (JSON).</summary>
    Response = 2,

    /// <summary>The call threw: exception type and message.</summary>
    Exception = 3,

    /// <summary>The receiver does not own the grain (at its membership version); nothing ran, retry elsewhere.</summary>
    NotOwner = 4,

    /// <summary>Failure-detection probe, and its answer.</summary>
    Ping = 5,
    Pong = 6,
}
