using Silo.Grains.Idempotency;

namespace Silo.Api.Caching;

/// <summary>
/// A stored response as the Redis level keeps it: a compact binary form, times on the wall clock (a front end's
/// timestamps mean nothing to another).
/// </summary>
internal static class CacheWire
{
    private const byte Version = 1;

    public static byte[] Write(CachedResponse entry, DateTimeOffset storedAt)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream(entry.Response.Body.Length + 512);
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(Version);
            writer.Write(storedAt.ToUnixTimeMilliseconds());
            writer.Write(entry.AgeWhenStored.Ticks);
            writer.Write(entry.FreshFor.Ticks);
            writer.Write(entry.Vary.Count);
            foreach (var name in entry.Vary)
            {
                writer.Write(name);
            }

            var response = entry.Response;
            writer.Write(response.StatusCode);
            writer.Write(response.Headers.Count);
            foreach (var header in response.Headers)
            {
                writer.Write(header.Name);
                writer.Write(header.Values.Count);
                foreach (var value in header.Values)
                {
                    writer.Write(value);
                }
            }

            writer.Write(response.Body.Length);
            writer.Write(response.Body);
        }

        return buffer.ToArray();
    }

    /// <summary>The entry, with its stored-at moment moved onto this front end's clock; null when the bytes are not one.</summary>
    public static CachedResponse? Read(byte[] bytes, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            if (reader.ReadByte() != Version)
            {
                return null;
            }

            var storedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var age = TimeSpan.FromTicks(reader.ReadInt64());
            var fresh = TimeSpan.FromTicks(reader.ReadInt64());
            var vary = new string[reader.ReadInt32()];
            for (var i = 0; i < vary.Length; i++)
            {
                vary[i] = reader.ReadString();
            }

            var status = reader.ReadInt32();
            var headers = new RecordedHeader[reader.ReadInt32()];
            for (var i = 0; i < headers.Length; i++)
            {
                var name = reader.ReadString();
                var values = new string[reader.ReadInt32()];
                for (var j = 0; j < values.Length; j++)
                {
                    values[j] = reader.ReadString();
                }

                headers[i] = new RecordedHeader(name, values);
            }

            var body = reader.ReadBytes(reader.ReadInt32());

            // Stored that long ago by the wall clock: as long before now on this front end's clock.
            var ago = time.GetUtcNow() - storedAt;
            var storedHere = time.GetTimestamp() - (long)(Math.Max(0, ago.TotalSeconds) * time.TimestampFrequency);
            return new CachedResponse(new RecordedResponse(status, headers, body), vary, storedHere, age, fresh);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            return null;
        }
    }
}
