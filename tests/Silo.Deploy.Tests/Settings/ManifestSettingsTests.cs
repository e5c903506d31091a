using System.Net;
using k8s.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Silo.Deploy.Tests.Manifests;
using Silo.Grains.Hosting;

namespace Silo.Deploy.Tests.Settings;

/// <summary>
/// The manifests against the hosts' real configuration: each host is wired as its Program.cs wires it, over its
/// appsettings.json and the environment its container gets (<see cref="HostWiring"/>), and what it would run
/// with is compared with what the manifests declare.
/// </summary>
public sealed class ManifestSettingsTests
{
    private const string TestRedis = "127.0.0.1:6379";

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public async Task EveryEnvironmentVariable_IsASettingTheHostReads(string overlay)
    {
        var failures = new List<string>();
        foreach (var (host, container, environment) in HostContainers(overlay))
        {
            await using var wiring = HostWiring.Create(host, environment.AsConfiguration());
            foreach (var (name, value) in environment.Values)
            {
                var why = AppSettingsCatalog.WhyNotRead(wiring, name.Replace("__", ":", StringComparison.Ordinal), value);

                // A variable the host does not read may still be an input of one it does: POD_IP in Silo__AdvertisedHost.
                if (why is not null && !environment.Referenced.Contains(name))
                {
                    failures.Add($"{overlay} {container.Name}: {name}: {why}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task MisspeltOrMistypedSetting_IsNotRead()
    {
        // The check above can fail: a key the host does not bind, or a value its options class cannot take
        // (keys are case-insensitive, as in ASP.NET Core configuration).
        await using var silo = HostWiring.Create(HostKind.Silo, [new("Cluster:Redis", TestRedis), new("Silo:Port", "11111")]);

        Assert.Null(AppSettingsCatalog.WhyNotRead(silo, "Silo:GatewayPort", "30000"));
        Assert.NotNull(AppSettingsCatalog.WhyNotRead(silo, "Silo:GatewayPrt", "30000"));
        Assert.NotNull(AppSettingsCatalog.WhyNotRead(silo, "Silo:GatewayPort", "thirty thousand"));
        Assert.NotNull(AppSettingsCatalog.WhyNotRead(silo, "Edge:MaxBodyBytes", "1024"));
        Assert.Null(AppSettingsCatalog.WhyNotRead(silo, "Admin:Token", "the-password-of-the-silo-dashboard"));
        Assert.NotNull(AppSettingsCatalog.WhyNotRead(silo, "Cluster:Membership:ProbeTimout", "00:00:01"));
        Assert.Null(AppSettingsCatalog.WhyNotRead(silo, "Cluster:Membership:ProbeTimeout", "00:00:01"));
        Assert.Null(AppSettingsCatalog.WhyNotRead(silo, "Telemetry:Enabled", "true"));
    }

    [Fact]
    public async Task Silo_DrainsItsGatewayBeforeItDeactivatesItsGrains()
    {
        // Orleans' default is no pause at all: client calls on their way through a stopping gateway lose their
        // answers and wait out the call timeout (503).
        await using var byDefault = HostWiring.Create(HostKind.Silo, [new("Cluster:Redis", TestRedis), new("Silo:Port", "11111")]);
        await using var configured = HostWiring.Create(HostKind.Silo, [new("Cluster:Redis", TestRedis), new("Silo:Port", "11111"), new("Grains:GatewayDrain", "00:00:03")]);

        Assert.Equal(TimeSpan.FromSeconds(1), byDefault.Options<SiloMessagingOptions>().ClientGatewayShutdownNotificationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), configured.Options<SiloMessagingOptions>().ClientGatewayShutdownNotificationTimeout);
        Assert.True(byDefault.Options<SiloMessagingOptions>().ClientGatewayShutdownNotificationTimeout < byDefault.Options<HostOptions>().ShutdownTimeout);
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public async Task ContainerPorts_AreThePortsTheHostsListenOn(string overlay)
    {
        foreach (var (host, container, environment) in HostContainers(overlay))
        {
            await using var wiring = HostWiring.Create(host, environment.AsConfiguration());
            var listening = new List<int> { HttpPort(wiring, container) };
            if (host == HostKind.Silo)
            {
                // Orleans' own endpoint options, as the silo's wiring fills them from its settings.
                var endpoints = wiring.Options<EndpointOptions>();
                Assert.Equal(container.Port("silo"), endpoints.SiloPort);
                Assert.Equal(container.Port("gateway"), endpoints.GatewayPort);
                Assert.Equal(IPAddress.Parse(PodValues.PodIp), endpoints.AdvertisedIPAddress);
                Assert.Equal(IPAddress.Any, endpoints.SiloListeningEndpoint?.Address);
                Assert.Equal(IPAddress.Any, endpoints.GatewayListeningEndpoint?.Address);
                listening.AddRange([endpoints.SiloPort, endpoints.GatewayPort]);
            }

            Assert.Equal(listening.Order(), (container.Ports ?? []).Select(p => p.ContainerPort).Order());
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public async Task ProbesAndScrapes_UseTheHostsHttpPortAndEndpoints(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var (host, container, environment) in HostContainers(overlay))
        {
            await using var wiring = HostWiring.Create(host, environment.AsConfiguration());
            var http = HttpPort(wiring, container);
            var pod = rendered.WorkloadOf(host).Pod;
            foreach (var (probe, path) in new[] { (container.StartupProbe, "/health/live"), (container.ReadinessProbe, "/health/ready"), (container.LivenessProbe, "/health/live") })
            {
                Assert.Equal(path, probe.HttpGet?.Path);
                Assert.Equal(http, probe.HttpGet!.Port.Resolve(pod));
            }

            Assert.Equal(http.ToString(System.Globalization.CultureInfo.InvariantCulture), rendered.WorkloadOf(host).Template.Metadata.Annotations["prometheus.io/port"]);
            Assert.True(wiring.App.Configuration.GetValue("Telemetry:Enabled", defaultValue: true), $"{host}: /metrics is not mapped (Telemetry:Enabled=false)");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public async Task TerminationGracePeriod_ExceedsTheLongestStopTheHostMakes(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var (host, container, environment) in HostContainers(overlay))
        {
            await using var wiring = HostWiring.Create(host, environment.AsConfiguration());

            // The pre-stop pause, then the host's graceful stop (HostOptions.ShutdownTimeout, as configured), then
            // at most ShutdownDeadline.Grace before a stop that cannot finish ends the process itself.
            var longestStop = TimeSpan.FromSeconds(container.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0)
                + wiring.Options<HostOptions>().ShutdownTimeout
                + ShutdownDeadline.Grace;
            var grace = TimeSpan.FromSeconds(rendered.WorkloadOf(host).Pod.TerminationGracePeriodSeconds ?? 30);
            Assert.True(grace > longestStop, $"{overlay} {host}: a grace period of {grace.TotalSeconds} s does not cover a stop of up to {longestStop.TotalSeconds} s");
        }
    }

    /// <summary>The port of the host's <c>Urls</c>, which must listen on every address and be the container's port named http.</summary>
    private static int HttpPort(HostWiring wiring, V1Container container)
    {
        var urls = wiring.App.Configuration[WebHostDefaults.ServerUrlsKey] ?? throw new InvalidOperationException($"{container.Name}: no Urls");
        var url = Assert.Single(urls.Split(';', StringSplitOptions.RemoveEmptyEntries));
        var uri = new Uri(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        Assert.True(uri.Host is "0.0.0.0" or "[::]", $"{container.Name}: Urls {urls} does not listen on the pod's address");
        Assert.Equal(container.Port("http"), uri.Port);
        return uri.Port;
    }

    private static IEnumerable<(HostKind Host, V1Container Container, ContainerEnvironment Environment)> HostContainers(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var host in new[] { HostKind.Silo, HostKind.FrontEnd })
        {
            var container = rendered.WorkloadOf(host).Pod.Containers.Single(c => Hosts.Of(c) == host);
            yield return (host, container, ContainerEnvironment.Resolve(container, rendered, PodValues.Field, PodValues.Secrets(TestRedis)));
        }
    }
}
