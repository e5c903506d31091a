namespace Silo.TestKit;

/// <summary>Bounds for awaits in tests: a test fails with a clear message instead of hanging.</summary>
public static class Await
{
    /// <summary>The bound used when a test does not choose one. Generous: the machine is shared and slow.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static Task Bounded(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task<T> Bounded<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task<T> Bounded<T>(this ValueTask<T> task, TimeSpan? timeout = null) => task.AsTask().WaitAsync(timeout ?? Default);

    /// <summary>Polls <paramref name="condition"/> until it holds; for state that has no event to await.</summary>
    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? Default);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time: {because}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>As <see cref="UntilAsync(Func{bool}, string, TimeSpan?)"/>, with an asynchronous condition.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? Default);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time: {because}");
            }

            await Task.Delay(5);
        }
    }
}
