using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Errors;
using Silo.Api.Forwarding;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.Forwarding;

/// <summary>
/// The gateway on real Kestrel plus a test-only route, <c>/_fwd/{scenario}</c>, that hands the request to
/// <see cref="HttpForwarder.ForwardAsync(HttpContext, ForwardRequest)"/> with a <see cref="ForwardRequest"/>
/// the test built: retries, budgets and Idempotency-Key scopes are tested before the proxy route adopts them.
/// </summary>
public class ForwardingGatewayFactory : KestrelGatewayFactory
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, ForwardRequest>> _scenarios = new(StringComparer.Ordinal);

    /// <summary>Registers how to forward and returns the path that runs it.</summary>
    public string Scenario(Func<HttpContext, ForwardRequest> build)
    {
        var id = Guid.NewGuid().ToString("N");
        _scenarios[id] = build;
        return "/_fwd/" + id;
    }

    public HttpClient CreatePlainClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = ClientOptions.BaseAddress };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new HarnessFilter(_scenarios)));
    }

    private sealed class HarnessFilter(ConcurrentDictionary<string, Func<HttpContext, ForwardRequest>> scenarios) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/_fwd", branch => branch.Run(async context =>
            {
                var id = context.Request.Path.Value!.TrimStart('/').Split('/')[0];
                var forwarder = context.RequestServices.GetRequiredService<HttpForwarder>();
                var outcome = await forwarder.ForwardAsync(context, scenarios[id](context));
                if (outcome.Error is { } error && !context.Response.HasStarted)
                {
                    await Problem.WriteAsync(context, error);
                }
            }));
            next(app);
        };
    }
}
