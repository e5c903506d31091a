namespace Silo.Runtime.Transport;

/// <summary>
/// One message on a silo connection. On the wire: a 4-byte little-endian length of what follows, the kind
/// (1 byte), the correlation id (8 bytes), then the payload.
/// </summary>
internal readonly record struct Frame(FrameKind Kind, long Id, ReadOnlyMemory<byte> Payload)
{
    public const int HeaderLength = 4 + 1 + 8;

    /// <summary>Frames larger than this are refused (a corrupt length must not allocate gigabytes).</summary>
    public const int MaxPayloadLength = 16 * 1024 * 1024;
}
