using System.Threading.RateLimiting;
using Silo.Bench.Baseline;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

// The same shape of limit the Silo run gives each key: a token bucket refilling `limit` per 60 s.
var limit = app.Configuration.GetValue("Limit", 1_000_000_000);
using var limiter = PartitionedRateLimiter.Create<string, string>(key =>
    RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = limit,
        TokensPerPeriod = limit,
        ReplenishmentPeriod = TimeSpan.FromSeconds(60),
        QueueLimit = 0,
        AutoReplenishment = true,
    }));

app.MapPost("/v1/check", (HttpRequest request) =>
{
    var key = request.Headers["X-Api-Key"].ToString();
    if (key.Length == 0)
    {
        return Results.Problem(statusCode: 401, title: "A valid API key is required.");
    }

    using var lease = limiter.AttemptAcquire(key);
    if (!lease.IsAcquired)
    {
        return Results.Problem(statusCode: 429, title: "Rate limit exceeded.");
    }

    var remaining = limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0;
    return Results.Json(new CheckResponse(true, limit, remaining, 0));
});

// Doubles as the downstream of the proxy benchmark (bench/e2e/proxy.sh): a small fixed answer.
app.MapGet("/hello/{**path}", () => Results.Text("hello from the downstream\n"));

// And of the WebSocket benchmark (bench/e2e/websocket.sh): every message sent straight back.
app.UseWebSockets();
app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        return Results.BadRequest();
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = new byte[64 * 1024];
    while (true)
    {
        var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
        if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
        {
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
            return Results.Empty;
        }

        await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
    }
});

app.Run();
