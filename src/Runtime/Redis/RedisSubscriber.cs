using System.Text;
using Microsoft.Extensions.Logging;

namespace Silo.Runtime.Redis;

/// <summary>
/// A pub/sub subscription on its own connection (a subscribed connection can run no other command).
/// Reconnects with back-off and subscribes again; <paramref name="onReconnected"/> runs after each
/// reconnection, because messages published while disconnected are lost and the subscriber must catch up.
/// </summary>
public sealed partial class RedisSubscriber : IAsyncDisposable
{
    private readonly RedisClient _client;
    private readonly string _channel;
    private readonly Action<string> _onMessage;
    private readonly Action? _onReconnected;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public RedisSubscriber(RedisClient client, string channel, Action<string> onMessage, Action? onReconnected, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _channel = channel;
        _onMessage = onMessage;
        _onReconnected = onReconnected;
        _time = time;
        _logger = logger;
    }

    /// <summary>Completes once the first subscription is confirmed (or faults if Redis cannot be reached).</summary>
    public Task Subscribed => _subscribed.Task;

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Start() => _loop = RunAsync();

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var delay = TimeSpan.FromMilliseconds(50);
        var first = true;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await _client.ConnectAsync(OnPush, _stopping.Token).ConfigureAwait(false);
                await using var _ = connection.ConfigureAwait(false);
                var reply = await connection.ExecuteAsync(["SUBSCRIBE", _channel]).WaitAsync(_client.Options.CommandTimeout, _time, _stopping.Token).ConfigureAwait(false);
                if (reply.IsError)
                {
                    throw new RedisServerException(reply.Text!);
                }

                delay = TimeSpan.FromMilliseconds(50);
                if (first)
                {
                    _subscribed.TrySetResult();
                    first = false;
                }
                else
                {
                    LogResubscribed(_logger, _channel);
                    _onReconnected?.Invoke();
                }

                await connection.Closed.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisServerException or TimeoutException)
            {
                LogSubscriptionLost(_logger, _channel, ex.Message);
            }

            try
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _client.Options.MaxReconnectDelay.Ticks));
        }
    }

    private void OnPush(RedisResult message)
    {
        // ["message", channel, payload]
        if (message.Items is { Count: 3 } items && items[2].Bulk is { } payload)
        {
            _onMessage(Encoding.UTF8.GetString(payload));
        }
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Subscription to {Channel} lost: {Reason}")]
    private static partial void LogSubscriptionLost(ILogger logger, string channel, string reason);

    [LoggerMessage(EventId = 711, Level = LogLevel.Information, Message = "Subscribed to {Channel} again")]
    private static partial void LogResubscribed(ILogger logger, string channel);
}
