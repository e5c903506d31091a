using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Hosting;

/// <summary>The front end and its co-hosted silo with spans on (Telemetry:Tracing) and kept in memory.</summary>
public sealed class TracedGatewayFactory : KestrelGatewayFactory
{
    public List<Activity> Spans { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Telemetry:Tracing", "true");
        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }

    public Activity[] Snapshot()
    {
        lock (Spans)
        {
            return [.. Spans];
        }
    }
}

/// <summary>One trace per request: the front end's server span, the grain calls under it, the forwarded request's client span, and the downstream's traceparent.</summary>
[Collection(MetricsCollection.Name)]
public sealed class TracingTests(TracedGatewayFactory gateway, Downstream downstream) : IClassFixture<TracedGatewayFactory>, IClassFixture<Downstream>
{
    [Fact]
    public async Task AProxiedRequest_IsOneTrace_FromTheFrontEndThroughTheGrainsToTheDownstream()
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 100, 60));
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(downstream.BaseUrl + "/echo");
        using var client = gateway.CreateKeyClient(key);
        await Expect.StatusAsync(await client.GetAsync($"/{service}/warm"), 200);

        var response = await client.GetAsync($"/{service}/traced");
        var echo = await Expect.JsonAsync(response, 200);
        var traceparent = echo.GetProperty("headers").GetProperty("traceparent").GetString()!;

        Activity? server = null;
        await Await.UntilAsync(
            () => (server = gateway.Snapshot().SingleOrDefault(a => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") as string == $"/{service}/traced")) is not null,
            "the request's server span is exported");
        var trace = gateway.Snapshot().Where(a => a.TraceId == server!.TraceId).ToArray();

        // The downstream's parent is the forwarded request's client span, a child of the server span. (The test's
        // own call to the gateway is in the trace too, as the server span's parent: this process runs both.)
        var forward = Assert.Single(trace, a => a.Source.Name == "System.Net.Http" && a.Kind == ActivityKind.Client && a.ParentSpanId == server!.SpanId);
        Assert.Equal($"00-{server!.TraceId}-{forward.SpanId}-01", traceparent);

        var grainCalls = trace.Where(a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToArray();
        Assert.Contains(grainCalls, a => a.ParentSpanId == server.SpanId && a.Kind == ActivityKind.Client);
        Assert.Contains(grainCalls, a => a.Kind == ActivityKind.Server);
    }
}
