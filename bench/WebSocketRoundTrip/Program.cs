using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

// Usage: WebSocketRoundTrip <ws-url> <count> [api-key]
// Opens one WebSocket, sends <count> 64-byte messages one after another, each after the echo of the previous
// one arrived, and prints "p50_us p99_us messages_per_second" of the round trips (after 1,000 unmeasured ones).
var url = new Uri(args[0]);
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
using var socket = new ClientWebSocket();
if (args.Length > 2)
{
    socket.Options.SetRequestHeader("X-Api-Key", args[2]);
}

await socket.ConnectAsync(url, CancellationToken.None);
var message = new byte[64];
var buffer = new byte[1024];
var samples = new long[count];
var total = Stopwatch.StartNew();
for (var i = -1000; i < count; i++)
{
    if (i == 0)
    {
        total.Restart();
    }

    var started = Stopwatch.GetTimestamp();
    await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
    var received = 0;
    while (received < message.Length)
    {
        var result = await socket.ReceiveAsync(buffer.AsMemory(received), CancellationToken.None);
        received += result.Count;
    }

    if (i >= 0)
    {
        samples[i] = Stopwatch.GetTimestamp() - started;
    }
}

var seconds = total.Elapsed.TotalSeconds;
await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
Array.Sort(samples);
double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Micros(samples[count / 2]):F0} {Micros(samples[(int)(count * 0.99)]):F0} {count / seconds:F0}"));
