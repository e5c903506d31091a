using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Silo.Runtime.Redis;

/// <summary>RESP2 encoding of commands (arrays of bulk strings) and incremental decoding of replies.</summary>
internal static class RespProtocol
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>Writes one command. Arguments may be strings, byte arrays, memory, or integers.</summary>
    public static void WriteCommand(IBufferWriter<byte> writer, IReadOnlyList<object> args)
    {
        WriteHeader(writer, (byte)'*', args.Count);
        foreach (var arg in args)
        {
            switch (arg)
            {
                case string s:
                    var count = Encoding.UTF8.GetByteCount(s);
                    WriteHeader(writer, (byte)'$', count);
                    var span = writer.GetSpan(count + 2);
                    Encoding.UTF8.GetBytes(s, span);
                    CrLf.CopyTo(span[count..]);
                    writer.Advance(count + 2);
                    break;
                case byte[] bytes:
                    WriteBulk(writer, bytes);
                    break;
                case ReadOnlyMemory<byte> memory:
                    WriteBulk(writer, memory.Span);
                    break;
                case long or int:
                    WriteBulk(writer, Encoding.ASCII.GetBytes(Convert.ToString(arg, CultureInfo.InvariantCulture)!));
                    break;
                default:
                    throw new ArgumentException($"Unsupported Redis argument type {arg?.GetType().Name ?? "null"}.", nameof(args));
            }
        }
    }

    /// <summary>Reads one complete reply from <paramref name="reader"/>; false (consuming nothing) if more bytes are needed.</summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out RedisResult result)
    {
        var consumedBefore = reader.Consumed;
        if (TryReadCore(ref reader, out result))
        {
            return true;
        }

        reader.Rewind(reader.Consumed - consumedBefore);
        result = RedisResult.Null;
        return false;
    }

    private static bool TryReadCore(ref SequenceReader<byte> reader, out RedisResult result)
    {
        result = RedisResult.Null;
        if (!reader.TryRead(out var prefix) || !reader.TryReadTo(out ReadOnlySequence<byte> line, CrLf))
        {
            return false;
        }

        switch (prefix)
        {
            case (byte)'+':
                result = RedisResult.Simple(Encoding.UTF8.GetString(line));
                return true;
            case (byte)'-':
                result = RedisResult.Error(Encoding.UTF8.GetString(line));
                return true;
            case (byte)':':
                result = RedisResult.Int(ParseInteger(line));
                return true;
            case (byte)'$':
                var length = ParseInteger(line);
                if (length < 0)
                {
                    result = RedisResult.Null;
                    return true;
                }

                if (reader.Remaining < length + 2)
                {
                    return false;
                }

                var data = new byte[length];
                reader.TryCopyTo(data);
                reader.Advance(length + 2);
                result = RedisResult.BulkString(data);
                return true;
            case (byte)'*':
                var items = ParseInteger(line);
                if (items < 0)
                {
                    result = RedisResult.Null;
                    return true;
                }

                var array = new RedisResult[items];
                for (var i = 0; i < items; i++)
                {
                    if (!TryReadCore(ref reader, out array[i]))
                    {
                        return false;
                    }
                }

                result = RedisResult.Array(array);
                return true;
            default:
                throw new InvalidDataException($"Unexpected RESP type byte 0x{prefix:x2}.");
        }
    }

    private static long ParseInteger(ReadOnlySequence<byte> line)
    {
        Span<byte> buffer = stackalloc byte[24];
        if (line.Length > buffer.Length)
        {
            throw new InvalidDataException("RESP integer too long.");
        }

        line.CopyTo(buffer);
        return Utf8Parser.TryParse(buffer[..(int)line.Length], out long value, out var consumed) && consumed == line.Length
            ? value
            : throw new InvalidDataException("Malformed RESP integer.");
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte prefix, int count)
    {
        var span = writer.GetSpan(16);
        span[0] = prefix;
        Utf8Formatter.TryFormat(count, span[1..], out var written);
        CrLf.CopyTo(span[(1 + written)..]);
        writer.Advance(written + 3);
    }

    private static void WriteBulk(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        WriteHeader(writer, (byte)'$', bytes.Length);
        var span = writer.GetSpan(bytes.Length + 2);
        bytes.CopyTo(span);
        CrLf.CopyTo(span[bytes.Length..]);
        writer.Advance(bytes.Length + 2);
    }
}
