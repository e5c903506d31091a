using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Forwarding;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Forwarding;

/// <summary>
/// The gateway on real Kestrel plus a test-only route, <c>/_fwd/{scenario}</c>, that runs the forward step
/// (<see cref="ForwardingPipeline"/>) with a <see cref="ProxyFeature"/> the test built: retries, budgets and
/// Idempotency-Key scopes are tested on fixed targets, apart from routing and admission.
/// </summary>
public class ForwardingGatewayFactory : KestrelGatewayFactory
{
    private readonly ConcurrentDictionary<string, (Func<HttpContext, ProxyFeature> Build, Action<ProxyFeature>? Completed)> _scenarios = new(StringComparer.Ordinal);

    /// <summary>Registers how to forward and returns the path that runs it; <paramref name="completed"/> sees each finished forward.</summary>
    public string Scenario(Func<HttpContext, ProxyFeature> build, Action<ProxyFeature>? completed = null)
    {
        var id = Guid.NewGuid().ToString("N");
        _scenarios[id] = (build, completed);
        return "/_fwd/" + id;
    }

    public HttpClient CreatePlainClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = ClientOptions.BaseAddress };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new HarnessFilter(_scenarios)));
    }

    private sealed class HarnessFilter(ConcurrentDictionary<string, (Func<HttpContext, ProxyFeature> Build, Action<ProxyFeature>? Completed)> scenarios) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/_fwd", branch => branch.Run(async context =>
            {
                var id = context.Request.Path.Value!.TrimStart('/').Split('/')[0];
                var (build, completed) = scenarios[id];
                var feature = build(context);
                context.Features.Set(feature);
                var pipeline = context.RequestServices.GetRequiredService<ForwardingPipeline>();
                var error = await pipeline.ForwardAsync(context, feature);
                await ForwardingPipeline.AnswerAsync(context, feature, error);
                completed?.Invoke(feature);
            }));
            next(app);
        };
    }
}
