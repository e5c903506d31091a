using System.Net;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

/// <summary>Alone in the process (no parallel tests), so the managed heap it samples is this transfer's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamingMemoryCollection
{
    public const string Name = "Forwarding memory";
}

/// <summary>100 MB each way through the gateway without the managed heap growing by anything near it.</summary>
[Collection(StreamingMemoryCollection.Name)]
public sealed class StreamingMemoryTests(KestrelGatewayFactory gateway, ScriptedDownstream downstream) : IClassFixture<KestrelGatewayFactory>, IClassFixture<ScriptedDownstream>
{
    private const long Size = 100L * 1024 * 1024;
    private const long MaxHeapGrowth = 30L * 1024 * 1024;

    [Fact]
    public async Task Upload_100MB_StreamsThrough_WithFlatMemory()
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient(key);
        client.Timeout = TimeSpan.FromSeconds(30);

        var (response, growth) = await MeasureAsync(async () =>
        {
            using var content = new StreamContent(new GeneratedStream(Size));
            content.Headers.ContentLength = Size;
            var r = await client.PostAsync($"/{service}/upload", content);
            return await Expect.JsonAsync(r, 200);
        });

        Assert.Equal(Size, response.GetProperty("bodyBytes").GetInt64());
        Assert.True(growth < MaxHeapGrowth, $"The managed heap grew by {growth / (1024 * 1024)} MB");
    }

    [Fact]
    public async Task Download_100MB_StreamsThrough_WithFlatMemory()
    {
        var (key, service) = await ProxySetup.CreateAsync(gateway, downstream.BaseUrl + "/bytes");
        using var client = gateway.CreateKeyClient(key);
        client.Timeout = TimeSpan.FromSeconds(30);

        var (received, growth) = await MeasureAsync(async () =>
        {
            using var r = await client.GetAsync($"/{service}/{Size}", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            await using var body = await r.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        });

        Assert.Equal(Size, received);
        Assert.True(growth < MaxHeapGrowth, $"The managed heap grew by {growth / (1024 * 1024)} MB");
    }

    /// <summary>
    /// Runs the transfer while sampling live managed bytes (after a full collection) every 100 ms; returns its
    /// result and the largest growth over the baseline. A forwarder that buffered would hold ~100 MB live.
    /// </summary>
    private static async Task<(T Result, long Growth)> MeasureAsync<T>(Func<Task<T>> transfer)
    {
        var baseline = LiveBytes();
        long peak = baseline;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, LiveBytes());
                try
                {
                    await Task.Delay(100, done.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        var result = await transfer().Bounded(TimeSpan.FromSeconds(30));
        await done.CancelAsync();
        await sampler;
        return (result, peak - baseline);
    }

    private static long LiveBytes()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>Produces <c>length</c> bytes on demand without holding them.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill((byte)'u');
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
