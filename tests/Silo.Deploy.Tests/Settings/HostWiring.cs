using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Silo.Api.Hosting;
using Silo.Deploy.Tests.Manifests;
using Silo.Grains.Hosting;
using Silo.ServiceDefaults;

namespace Silo.Deploy.Tests.Settings;

/// <summary>
/// A host wired the way its Program.cs wires it, over its own appsettings.json and the given settings (the
/// environment a manifest gives its container), built but never started: which options classes it binds to
/// configuration, and the values (ports, shutdown timeout) it would run with.
/// </summary>
public sealed class HostWiring : IAsyncDisposable
{
    private HostWiring(HostKind host, WebApplicationBuilder builder)
    {
        Host = host;

        // Every BindConfiguration/Bind registers a change token source for its options type: that is the list of
        // options classes this host binds, whatever the mode its settings chose.
        BoundOptions = [.. builder.Services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()];
        App = builder.Build();
    }

    public HostKind Host { get; }

    public IReadOnlyList<Type> BoundOptions { get; }

    public WebApplication App { get; }

    public T Options<T>()
        where T : class => App.Services.GetRequiredService<IOptions<T>>().Value;

    public static HostWiring Create(HostKind host, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = Hosts.ProjectDirectory(host),
        });

        // Environment variables come after appsettings.json, as in the real host.
        builder.Configuration.AddInMemoryCollection(settings);
        switch (host)
        {
            case HostKind.Silo:
                // src/Silo: Program.cs's AddServiceDefaults and SiloHostExtensions.TryAddSiloHost's AddGatewaySilo
                // (the rest of TryAddSiloHost adds the dashboard, tracing and a health check, which bind nothing).
                builder.AddServiceDefaults("silo");
                builder.UseOrleans(silo => silo.AddGatewaySilo(builder.Configuration));
                break;
            case HostKind.FrontEnd:
                // src/Api: Program.cs as it is.
                builder.AddServiceDefaults("silo-frontend");
                builder.AddGateway();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(host));
        }

        return new HostWiring(host, builder);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
