using System.Collections.Concurrent;

namespace Silo.Runtime.Tests.Grains;

/// <summary>What test grains report about themselves (a singleton in the test silo's DI).</summary>
public sealed class GrainProbe
{
    private int _inTurn;

    public ConcurrentQueue<string> Events { get; } = new();

    public int Activations;

    public int Deactivations;

    public int MaxConcurrentTurns;

    public int TimerTicks;

    public TaskCompletionSource Hang { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a grain has entered <c>HangAsync</c> (its turn is open).</summary>
    public TaskCompletionSource HangEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<DeactivationReason> Deactivated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource TimerTicked { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool FailActivation { get; set; }

    public void EnterTurn()
    {
        var now = Interlocked.Increment(ref _inTurn);
        int seen;
        while ((seen = Volatile.Read(ref MaxConcurrentTurns)) < now && Interlocked.CompareExchange(ref MaxConcurrentTurns, now, seen) != seen)
        {
        }
    }

    public void ExitTurn() => Interlocked.Decrement(ref _inTurn);
}
