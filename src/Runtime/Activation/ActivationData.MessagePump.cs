using System.Collections.Concurrent;

namespace Silo.Runtime.Activation;

/// <summary>
/// The message pump. At most one runner owns the queue at a time (<see cref="_scheduled"/>), so turns never
/// overlap and need no locks. A caller that finds the activation idle runs its turn inline on its own
/// thread (no thread-pool hop for the common, synchronous case); everything else runs on the thread pool.
/// A turn that awaits keeps ownership until its task completes: activations are not reentrant.
/// </summary>
internal sealed partial class ActivationData : IThreadPoolWorkItem
{
    // A caller runs at most one turn inline, then hands the rest to the pool so it is never held hostage.
    private const int InlineBudget = 1;

    // A pool runner yields after this many synchronous turns so one busy grain cannot starve the others.
    private const int PoolBudget = 64;

    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private int _scheduled;
    private long _lastActivity;

    /// <summary>Queues a turn. False when the activation is gone; the caller must ask the catalog again.</summary>
    public bool Enqueue(WorkItem item, bool runInline)
    {
        if (_state == ActivationState.Invalid)
        {
            return false;
        }

        _queue.Enqueue(item);
        if (_state == ActivationState.Invalid)
        {
            // Lost a race with invalidation: the runner may have exited already, so forward what is left.
            DrainInvalid();
            return true;
        }

        Schedule(runInline);
        return true;
    }

    void IThreadPoolWorkItem.Execute() => Run(PoolBudget);

    private void Schedule(bool runInline)
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
        {
            return;
        }

        if (runInline)
        {
            Run(InlineBudget);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private void Run(int budget)
    {
        while (true)
        {
            while (budget > 0 && _queue.TryDequeue(out var item))
            {
                budget--;
                if (_state == ActivationState.Invalid)
                {
                    Forward(item);
                    continue;
                }

                ValueTask pending;
                try
                {
                    pending = item.ExecuteAsync(this);
                }
                catch (Exception ex)
                {
                    Log.TurnFailed(_context.Logger, ex, GrainId, item.Describe());
                    item.Fail(ex);
                    continue;
                }

                if (!pending.IsCompleted)
                {
                    // Ownership of the queue passes to the continuation.
                    _ = ContinueAfterAsync(pending, item);
                    return;
                }

                OnTurnCompleted(item);
            }

            if (!_queue.IsEmpty)
            {
                if (budget > 0)
                {
                    continue;
                }

                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }

            Volatile.Write(ref _scheduled, 0);

            // An item enqueued after the last TryDequeue but before the release found _scheduled == 1 and left.
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            {
                return;
            }

            budget = Math.Max(budget, 1);
        }
    }

    private async Task ContinueAfterAsync(ValueTask pending, WorkItem item)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.TurnFailed(_context.Logger, ex, GrainId, item.Describe());
        }

        OnTurnCompleted(item);
        Run(PoolBudget);
    }

    private void OnTurnCompleted(WorkItem item)
    {
        if (item is GrainRequest)
        {
            Volatile.Write(ref _lastActivity, _context.Time.GetTimestamp());
        }
    }

    private void DrainInvalid()
    {
        while (_queue.TryDequeue(out var item))
        {
            Forward(item);
        }
    }
}
