using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Silo.Api.Tests.Infrastructure;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

/// <summary>
/// HTTP/2 to a downstream that speaks only h2c (as a gRPC server may), with its trailers back to an HTTP/2 client:
/// the front end runs as its own process with a second, HTTP/2-only endpoint set in configuration, as an operator
/// would give it.
/// </summary>
public sealed class Http2ForwardingTests
{
    private const string AdminToken = "h2c-test-admin-token-0123456789";
    [Fact]
    public async Task Http2PriorKnowledge_ReachesAnH2cDownstream_AndResponseTrailersPassThrough()
    {
        await using var h2c = await LoopbackApp.StartAsync(
            app => app.Map("/rpc/{**rest}", async (HttpContext context) =>
            {
                context.Response.DeclareTrailer("grpc-status");
                await context.Response.WriteAsync($"{context.Request.Protocol} {context.Request.Path}");
                context.Response.AppendTrailer("grpc-status", "0");
                context.Response.AppendTrailer("grpc-message", "fine");
            }),
            HttpProtocols.Http2);
        var (main, h2cPort) = (FreePort.Next(), FreePort.Next());
        var dll = RepositoryPaths.BuiltAssembly("Api", "Silo.Api");
        await using var frontEnd = ChildProcess.Start(
            "dotnet",
            [dll, $"--Kestrel:Endpoints:Main:Url=http://127.0.0.1:{main}", $"--Kestrel:Endpoints:H2c:Url=http://127.0.0.1:{h2cPort}", "--Kestrel:Endpoints:H2c:Protocols=Http2", $"--Admin:Token={AdminToken}"],
            Path.GetDirectoryName(dll)!,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Dashboard__Enabled"] = "false" });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{main}") };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        await Await.UntilAsync(
            async () =>
            {
                try
                {
                    return (await admin.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the front end is ready",
            TimeSpan.FromSeconds(60));
        var tenant = GatewayFactory.NewId("t");
        await Expect.StatusAsync(await admin.PostAsJsonAsync("/admin/tenants", new { id = tenant, name = "h2c" }), 201);
        var key = (await Expect.JsonAsync(await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/keys", new { name = "k" }), 201)).GetProperty("key").GetString()!;
        var service = GatewayFactory.NewId("s");
        var created = await Expect.JsonAsync(
            await admin.PostAsJsonAsync("/admin/services", new { id = service, endpoints = new[] { new { url = h2c.BaseUrl, weight = 1 } }, httpVersion = "2-prior-knowledge" }), 201);
        Assert.Equal("2-prior-knowledge", created.GetProperty("httpVersion").GetString());

        // The client speaks HTTP/2 to the gateway too (its h2c port): trailers need it on the client's side as well.
        using var client = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{h2cPort}"), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var response = await client.GetAsync($"/{service}/rpc/call");
        await Expect.StatusAsync(response, 200);
        Assert.Equal("HTTP/2 /rpc/call", await response.Content.ReadAsStringAsync());
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal("fine", response.TrailingHeaders.GetValues("grpc-message").Single());
    }
}
