using System.Buffers.Binary;
using System.Text;

namespace Silo.Runtime.Transport;

/// <summary>Reads what <see cref="MessageWriter"/> wrote; a truncated payload throws <see cref="InvalidDataException"/>.</summary>
internal ref struct MessageReader(ReadOnlySpan<byte> payload)
{
    private ReadOnlySpan<byte> _rest = payload;

    public string ReadString()
    {
        var count = ReadInt32();
        if (count < 0 || count > _rest.Length)
        {
            throw new InvalidDataException("Truncated string in a silo message.");
        }

        var value = Encoding.UTF8.GetString(_rest[..count]);
        _rest = _rest[count..];
        return value;
    }

    public int ReadInt32()
    {
        if (_rest.Length < 4)
        {
            throw new InvalidDataException("Truncated silo message.");
        }

        var value = BinaryPrimitives.ReadInt32LittleEndian(_rest);
        _rest = _rest[4..];
        return value;
    }

    public long ReadInt64()
    {
        if (_rest.Length < 8)
        {
            throw new InvalidDataException("Truncated silo message.");
        }

        var value = BinaryPrimitives.ReadInt64LittleEndian(_rest);
        _rest = _rest[8..];
        return value;
    }

    /// <summary>Everything not read yet.</summary>
    public readonly ReadOnlySpan<byte> Rest => _rest;
}
