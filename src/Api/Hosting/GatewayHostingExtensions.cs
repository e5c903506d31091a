using Silo.Api.Identity;
using Orleans.Dashboard;
using Silo.Api.Auth;
using Silo.Api.Cors;
using Silo.Api.Demo;
using Silo.Api.Edge;
using Silo.Api.Endpoints;
using Silo.Api.Errors;
using Silo.Api.Forwarding;
using Silo.Api.Json;
using Silo.Api.Leases;
using Silo.Api.Operations;
using Silo.Api.Routing;
using Silo.Api.Telemetry;
using Microsoft.Extensions.Options;
using Silo.Grains.Hosting;
using Silo.ServiceDefaults;

namespace Silo.Api.Hosting;

/// <summary>Wiring of the front end; Program.cs stays a few lines.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>
    /// Registers the front end. With no <c>Cluster:Redis</c> configured it hosts one silo in this process
    /// (in-memory storage): the embedded default. With it, the front end is an Orleans client of the cluster,
    /// or, with <c>Cluster:CoHostSilo</c>, a silo of the cluster itself.
    /// </summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton(sp => AdminToken.FromConfiguration(sp.GetRequiredService<IOptions<AdminOptions>>().Value.Token));
        builder.Services.TryAddSingletonTimeProvider();
        builder.AddOrleansRole(configuration);
        builder.Services.ConfigureHttpJsonOptions(o => GatewayJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (GatewayRequest.Of(context.HttpContext) is { } request)
            {
                context.ProblemDetails.Extensions["requestId"] = request.RequestId;
            }
        });
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Silo gateway";
            document.Info.Description = "Admin API (Authorization: Bearer <admin token>) and data plane (X-Api-Key: <key>).";
            return Task.CompletedTask;
        }));
        builder.Services.AddExceptionHandler<GatewayExceptionHandler>();
        builder.Services.AddAuthenticationDefenses();
        ClusterReadinessCheck.Register(builder.Services);
        builder.Services.AddAdminLogin();
        builder.Services.AddAdmission();
        builder.Services.AddSingleton<ServiceCatalog>();
        builder.Services.AddJwtCallers();
        builder.Services.AddSingleton<RoutingTable>();
        builder.Services.AddTrafficHistory();
        builder.Services.AddSingleton<Config.ConfigPlanner>();
        builder.Services.AddSingleton<OutcomeReporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutcomeReporter>());
        builder.Services.AddSingleton<CorsTable>();
        builder.Services.AddForwarding();
        builder.Services.AddSingleton<AdminAuthorizationFilter>();
        builder.Services.AddAdminRateLimiting();
        builder.AddEdge();
        builder.Services.AddHostedService<DemoSeeder>();

        return builder;
    }

    /// <summary>Maps every route of the HTTP contract.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestContextMiddleware>();
        app.UseExceptionHandler();
        app.UseMiddleware<EdgeMiddleware>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<CorsMiddleware>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAdminLogin();
        app.MapGatewayConsole();

        // The Orleans Dashboard shows grain keys and state: only with an admin session (AdminLogin).
        if (ServiceDefaultsExtensions.DashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(AdminLogin.Policy);
        }
        app.MapDefaultEndpoints();
        app.MapOpenApi();
        // Swagger UI is middleware that looks at every request's path; only /swagger requests need it.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase),
            swagger => swagger.UseSwaggerUI(options =>
            {
                options.RoutePrefix = "swagger";
                options.SwaggerEndpoint("/openapi/v1.json", "Silo gateway v1");
            }));
        app.MapAdminEndpoints();
        app.MapCheckEndpoints();
        if (app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Seed)
        {
            app.MapDemoEcho();
        }

        app.MapProxyEndpoints();

        // The proxy route takes every /{segment}/...; what is left (the root) gets a problem body too.
        app.MapFallback(() => Problem.For(GatewayError.RouteNotFound));
        return app;
    }

    /// <summary>
    /// A silo in this process (the embedded default with in-memory storage, or a member of the Redis cluster
    /// with <c>Cluster:CoHostSilo</c>), or an Orleans client of the silos registered in Redis.
    /// </summary>
    private static void AddOrleansRole(this WebApplicationBuilder builder, IConfiguration configuration)
    {
        var cluster = GatewayClusterOptions.From(configuration);
        if (!cluster.IsCluster || cluster.CoHostSilo)
        {
            // A silo in this process: the embedded default (in-memory storage), or a member of the Redis cluster.
            builder.UseOrleans(silo =>
            {
                silo.AddGatewaySilo(configuration);
                if (ServiceDefaultsExtensions.DashboardEnabled(configuration))
                {
                    silo.AddDashboard();
                }

                if (ServiceDefaultsExtensions.Traces(configuration))
                {
                    silo.AddActivityPropagation();
                }
            });
            builder.Services.AddSingleton<IClusterReadiness, CoHostedSiloReadiness>();
        }
        else
        {
            // A client of the silos registered in Redis; no grains live here.
            builder.UseOrleansClient(client =>
            {
                client.AddGatewayClient(cluster);
                if (ServiceDefaultsExtensions.DashboardEnabled(configuration))
                {
                    client.AddDashboard();
                }

                if (ServiceDefaultsExtensions.Traces(configuration))
                {
                    client.AddActivityPropagation();
                }
            });
            builder.Services.AddSingleton<IClusterReadiness>(sp => sp.GetRequiredService<GatewayConnections>());
        }
    }

    /// <summary>Failed-authentication budgets (data plane and admin API), the security log, and the gateway's metrics.</summary>
    /// <summary>The proxy's forward step: YARP's forwarder, Idempotency-Key replay and the response cache.</summary>
    private static void AddForwarding(this IServiceCollection services)
    {
        services.AddOptions<Silo.Grains.Idempotency.IdempotencyOptions>()
            .BindConfiguration(Silo.Grains.Idempotency.IdempotencyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpForwarder();
        services.AddSingleton<ProxyForwarder>();
        services.AddSingleton<IdempotentForwarding>();
        services.AddSingleton<ForwardingPipeline>();
        services.AddOptions<Caching.CachingOptions>().BindConfiguration(Caching.CachingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Caching.CacheMetrics>();
        services.AddSingleton<Caching.ResponseCache>();
    }

    private static void AddAuthenticationDefenses(this IServiceCollection services)
    {
        services.AddSingleton(sp => new FailedAuthenticationLimiter(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.FailedAuthenticationsPerMinute));
        services.AddKeyedSingleton(FailedAuthenticationLimiter.Admin, (sp, _) => new FailedAuthenticationLimiter(sp.GetRequiredService<IOptions<AdminOptions>>().Value.FailedAuthenticationsPerMinute));
        services.AddSingleton<GatewayMetrics>();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        services.AddSingleton<SecurityLog>();
    }

    /// <summary>The console's per-second traffic record of this front end, its registration with the cluster, and the reader over every front end's.</summary>
    private static void AddTrafficHistory(this IServiceCollection services)
    {
        services.AddSingleton<TrafficHistory>();
        services.AddSingleton<FrontEndPeer>();
        services.AddSingleton<TrafficRegistration>();
        services.AddHostedService(sp => sp.GetRequiredService<TrafficRegistration>());
        services.AddSingleton<TrafficReader>();
    }

    /// <summary>Admission: key grain references, leases and what sweeps them.</summary>
    private static void AddAdmission(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyGrains>();
        services.AddSingleton<Admission>();
        services.AddOptions<LeaseOptions>().BindConfiguration(LeaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LeaseTable>();
        services.AddHostedService<LeaseSweeper>();
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
