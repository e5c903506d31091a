namespace Silo.Grains.Idempotency;

/// <summary>One record held in a <see cref="RecordedResponseBudget"/>; its response is null once the budget dropped it.</summary>
public sealed class RecordedSlot
{
    private RecordedResponse? _response;

    internal RecordedSlot(RecordedResponse response, long size)
    {
        _response = response;
        Size = size;
    }

    public RecordedResponse? Response => Volatile.Read(ref _response);

    internal long Size { get; }

    internal LinkedListNode<RecordedSlot>? Node { get; set; }

    internal void Drop() => Volatile.Write(ref _response, null);
}
