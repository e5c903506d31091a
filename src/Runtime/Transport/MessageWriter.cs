using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Silo.Runtime.Transport;

/// <summary>Builds a frame payload: length-prefixed UTF-8 strings, little-endian integers, raw bytes.</summary>
internal sealed class MessageWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128);

    public MessageWriter WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt32(count);
        var span = _buffer.GetSpan(count);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(count);
        return this;
    }

    public MessageWriter WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public MessageWriter WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public MessageWriter WriteBytes(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    public ReadOnlyMemory<byte> ToMemory() => _buffer.WrittenMemory;
}
