using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
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

    /// <summary>
    /// A client on the real port that sends no trace context of its own: this process traces its HttpClient calls
    /// too (unsampled: only a request received starts a trace), and would write their context over the
    /// <c>traceparent</c> a test gives a request.
    /// </summary>
    public HttpClient CreateUntracedClient(string? key = null)
    {
        var client = new HttpClient(new UntracedHandler { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = ClientOptions.BaseAddress,
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }
}

/// <summary>Sends with this process's tracing suppressed, so a request carries only the headers it was given.</summary>
internal sealed class UntracedHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var suppressed = SuppressInstrumentationScope.Begin();
        return await base.SendAsync(request, cancellationToken);
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
        using var client = gateway.CreateUntracedClient(key);
        await Expect.StatusAsync(await client.SendAsync(Get($"/{service}/warm", ActivityTraceId.CreateRandom(), sampled: true)), 200);

        var response = await client.SendAsync(Get($"/{service}/traced", ActivityTraceId.CreateRandom(), sampled: true));
        var echo = await Expect.JsonAsync(response, 200);
        var traceparent = echo.GetProperty("headers").GetProperty("traceparent").GetString()!;

        Activity? server = null;
        await Await.UntilAsync(
            () => (server = gateway.Snapshot().SingleOrDefault(a => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") as string == $"/{service}/traced")) is not null,
            "the request's server span is exported");
        var trace = gateway.Snapshot().Where(a => a.TraceId == server!.TraceId).ToArray();

        // The downstream's parent is the forwarded request's client span, a child of the server span.
        var forward = Assert.Single(trace, a => a.Source.Name == "System.Net.Http" && a.Kind == ActivityKind.Client && a.ParentSpanId == server!.SpanId);
        Assert.Equal($"00-{server!.TraceId}-{forward.SpanId}-01", traceparent);

        var grainCalls = trace.Where(a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToArray();
        Assert.Contains(grainCalls, a => a.ParentSpanId == server.SpanId && a.Kind == ActivityKind.Client);
        Assert.Contains(grainCalls, a => a.Kind == ActivityKind.Server);
    }

    /// <summary>
    /// A request its caller did not sample (<c>traceparent</c> flags 00) passes no trace context to the grains it
    /// calls; those calls start no trace of their own. A sampled request's calls are traced under it, which shows
    /// the spans of the first would have been exported by now.
    /// </summary>
    [Fact]
    public async Task AnUnsampledRequest_StartsNoTraceInTheGrainsItCalls()
    {
        var tenant = await gateway.CreateTenantAsync(GatewayFactory.TokenBucket("tenant", 100, 60));
        using var admin = gateway.CreateUntracedClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFactory.AdminToken);
        var unsampled = ActivityTraceId.CreateRandom();
        var sampled = ActivityTraceId.CreateRandom();

        await Expect.StatusAsync(await admin.SendAsync(Get($"/admin/tenants/{tenant}", unsampled, sampled: false)), 200);
        await Expect.StatusAsync(await admin.SendAsync(Get($"/admin/tenants/{tenant}", sampled, sampled: true)), 200);

        await Await.UntilAsync(
            () => gateway.Snapshot().Any(a => a.TraceId == sampled && a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.Kind == ActivityKind.Server),
            "the sampled request's grain call is exported");
        var spans = gateway.Snapshot();
        Assert.DoesNotContain(spans, a => a.TraceId == unsampled);
        var orphans = spans.Where(a => a.ParentSpanId == default && a.Source.Name != "Microsoft.AspNetCore").Select(a => $"{a.Source.Name} {a.Kind} {a.DisplayName}").ToArray();
        Assert.True(orphans.Length == 0, "spans that start a trace of their own: " + string.Join(", ", orphans));
    }

    /// <summary>A GET in the trace <paramref name="trace"/>, as a caller that did (or did not) sample it sends it.</summary>
    private static HttpRequestMessage Get(string path, ActivityTraceId trace, bool sampled)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-{(sampled ? "01" : "00")}");
        return request;
    }
}
