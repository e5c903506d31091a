using Microsoft.Extensions.Options;

namespace Silo.Grains.Idempotency;

/// <summary>
/// Bounds the memory the Idempotency-Key records of one silo hold (<see cref="IdempotencyOptions.MaxTotalBytes"/>).
/// A record is held through a <see cref="RecordedSlot"/>; when a new one does not fit, the oldest are dropped
/// first (their slots answer null from then on). Shared by every idempotency activation of the silo.
/// </summary>
public sealed class RecordedResponseBudget(IOptions<IdempotencyOptions> options)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<RecordedSlot> _oldestFirst = new();
    private long _bytes;

    /// <summary>The bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Holds <paramref name="response"/>, dropping the oldest records as needed; null when it alone is larger than the whole budget.</summary>
    public RecordedSlot? Hold(RecordedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var size = SizeOf(response);
        var max = options.Value.MaxTotalBytes;
        if (size > max)
        {
            return null;
        }

        var slot = new RecordedSlot(response, size);
        lock (_lock)
        {
            while (_bytes + size > max && _oldestFirst.First is { } oldest)
            {
                Remove(oldest.Value);
            }

            slot.Node = _oldestFirst.AddLast(slot);
            _bytes += size;
        }

        return slot;
    }

    /// <summary>Gives a record's memory back (the record expired, was released, or its activation ended).</summary>
    public void Release(RecordedSlot? slot)
    {
        if (slot is null)
        {
            return;
        }

        lock (_lock)
        {
            Remove(slot);
        }
    }

    private void Remove(RecordedSlot slot)
    {
        if (slot.Node is { } node)
        {
            _oldestFirst.Remove(node);
            slot.Node = null;
            _bytes -= slot.Size;
            slot.Drop();
        }
    }

    /// <summary>The body plus the headers plus a little for the record itself.</summary>
    internal static long SizeOf(RecordedResponse response)
    {
        long size = response.Body.Length + 64;
        foreach (var header in response.Headers)
        {
            size += header.Name.Length * 2;
            foreach (var value in header.Values)
            {
                size += value.Length * 2;
            }
        }

        return size;
    }
}
