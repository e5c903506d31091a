namespace Silo.Runtime.Tests.Grains;

public sealed class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    GrainProbe probe) : Grain, ICounterGrain
{
    private int _value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref probe.Activations);
        probe.Events.Enqueue($"activate:{GetPrimaryKeyString()}");
        if (probe.FailActivation)
        {
            throw new InvalidOperationException("activation refused by test");
        }

        _value = state.State.Value;
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // After a conflict the stored state is newer than ours: flushing would only conflict again.
        if (reason != DeactivationReason.InconsistentState)
        {
            state.State.Value = _value;
            await state.WriteStateAsync(cancellationToken);
        }

        Interlocked.Increment(ref probe.Deactivations);
        probe.Events.Enqueue($"deactivate:{GetPrimaryKeyString()}:{reason}");
        probe.Deactivated.TrySetResult(reason);
    }

    public async Task<int> AddAsync(int amount)
    {
        probe.EnterTurn();
        try
        {
            var before = _value;
            await Task.Yield();
            _value = before + amount;
            return _value;
        }
        finally
        {
            probe.ExitTurn();
        }
    }

    public Task<int> GetAsync() => Task.FromResult(_value);

    public ValueTask<int> GetFastAsync() => ValueTask.FromResult(_value);

    public async Task SaveAsync()
    {
        state.State.Value = _value;
        await state.WriteStateAsync();
    }

    public Task FailAsync(string message) => throw new ArgumentException(message, nameof(message));

    public Task HangAsync()
    {
        probe.HangEntered.TrySetResult();
        return probe.Hang.Task;
    }

    public async Task<bool> WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return false;
    }

    public Task<CounterSnapshot> SnapshotAsync(CounterQuery query) =>
        Task.FromResult(new CounterSnapshot(
            query.Label,
            _value + query.Weights.Sum(),
            query.Weights,
            query.Kind,
            query.Limit,
            query.At,
            new Dictionary<string, int>(StringComparer.Ordinal) { ["value"] = _value }));

    public async Task<int> AddThroughAsync(string otherKey, int amount)
    {
        var other = GrainFactory.GetGrain<ICounterGrain>(otherKey);
        return await other.AddAsync(amount);
    }
}
