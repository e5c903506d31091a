namespace Silo.Runtime.Redis;

/// <summary>A command waiting to be written, then waiting for its reply.</summary>
internal sealed class PendingCommand(IReadOnlyList<object> args)
{
    private readonly TaskCompletionSource<RedisResult> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<object> Args { get; } = args;

    public Task<RedisResult> Reply => _reply.Task;

    public bool IsCompleted => _reply.Task.IsCompleted;

    public void Complete(RedisResult result) => _reply.TrySetResult(result);

    public void Fail(Exception exception) => _reply.TrySetException(exception);
}
