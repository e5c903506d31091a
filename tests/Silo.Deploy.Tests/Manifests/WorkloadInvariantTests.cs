using k8s.Models;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>What every pod of every overlay must have: resources, probes, a locked-down security context, no API token, tagged images.</summary>
public sealed class WorkloadInvariantTests
{
    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void Overlay_RendersSilosAndFrontEnds(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);

        Assert.Equal("Deployment", rendered.WorkloadOf(HostKind.Silo).Kind);
        Assert.Equal("Deployment", rendered.WorkloadOf(HostKind.FrontEnd).Kind);
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryContainer_HasRequestsAndLimits(string overlay)
    {
        foreach (var (workload, container) in Containers(overlay))
        {
            var resources = container.Resources;
            foreach (var resource in new[] { "cpu", "memory" })
            {
                Assert.True(resources?.Requests?.ContainsKey(resource) == true, $"{workload} {container.Name}: no {resource} request");
                Assert.True(resources?.Limits?.ContainsKey(resource) == true, $"{workload} {container.Name}: no {resource} limit");
                Assert.True(resources!.Requests![resource].ToDecimal() <= resources.Limits![resource].ToDecimal(), $"{workload} {container.Name}: {resource} request above its limit");
            }
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryContainer_HasStartupReadinessAndLivenessProbes(string overlay)
    {
        foreach (var (workload, container) in Containers(overlay))
        {
            Assert.True(container.StartupProbe is not null, $"{workload} {container.Name}: no startup probe");
            Assert.True(container.ReadinessProbe is not null, $"{workload} {container.Name}: no readiness probe");
            Assert.True(container.LivenessProbe is not null, $"{workload} {container.Name}: no liveness probe");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryContainer_RunsAsNonRoot_ReadOnly_WithoutPrivilegeOrCapabilities(string overlay)
    {
        foreach (var (workload, container) in Containers(overlay))
        {
            var pod = workload.Pod.SecurityContext;
            var security = container.SecurityContext;
            var name = $"{workload} {container.Name}";
            Assert.True(security is not null, $"{name}: no security context");
            Assert.True(security!.AllowPrivilegeEscalation == false, $"{name}: privilege escalation not turned off");
            Assert.True(security.ReadOnlyRootFilesystem == true, $"{name}: root filesystem writable");
            Assert.True(security.Privileged != true, $"{name}: privileged");
            Assert.True(security.Capabilities?.Drop?.Contains("ALL") == true, $"{name}: capabilities not all dropped");
            Assert.True(security.Capabilities?.Add is null or { Count: 0 }, $"{name}: adds capabilities");
            Assert.True((security.RunAsNonRoot ?? pod?.RunAsNonRoot) == true, $"{name}: may run as root");
            Assert.True((security.RunAsUser ?? pod?.RunAsUser) is null or > 0, $"{name}: runs as UID 0");
            Assert.True((security.SeccompProfile ?? pod?.SeccompProfile)?.Type == "RuntimeDefault", $"{name}: no RuntimeDefault seccomp profile");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryPod_MountsNoServiceAccountToken(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var workload in rendered.Workloads)
        {
            Assert.True(workload.Pod.AutomountServiceAccountToken == false, $"{workload}: the pod may mount an API token");
            var account = rendered.Objects.OfType<V1ServiceAccount>().SingleOrDefault(a => a.Metadata.Name == workload.Pod.ServiceAccountName);
            Assert.True(account is not null, $"{workload}: service account '{workload.Pod.ServiceAccountName}' is not rendered");
            Assert.True(account!.AutomountServiceAccountToken == false, $"{workload}: its service account mounts an API token by default");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryWorkload_SelectsItsOwnTemplate_AndOnlyIt(string overlay)
    {
        var workloads = RenderedOverlay.Of(overlay).Workloads.ToList();
        foreach (var workload in workloads)
        {
            Assert.False(workload.Selector.IsEmpty(), $"{workload}: empty selector");
            Assert.True(workload.Selector.Selects(workload.Labels), $"{workload}: its selector does not match its pod template's labels");
            var others = workloads.Where(w => w != workload && workload.Selector.Selects(w.Labels)).ToList();
            Assert.True(others.Count == 0, $"{workload}: its selector also selects the pods of {string.Join(", ", others)}");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void SilosAndFrontEnds_RollOneNewPodBeforeStoppingAnOld(string overlay)
    {
        foreach (var deployment in RenderedOverlay.Of(overlay).Deployments)
        {
            var strategy = deployment.Spec.Strategy;
            Assert.Equal("RollingUpdate", strategy?.Type);
            Assert.Equal("1", strategy!.RollingUpdate?.MaxSurge?.Value);
            Assert.Equal("0", strategy.RollingUpdate?.MaxUnavailable?.Value);
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void Silos_SpreadAcrossNodes(string overlay)
    {
        var silos = RenderedOverlay.Of(overlay).WorkloadOf(HostKind.Silo);

        var spread = silos.Pod.TopologySpreadConstraints ?? [];
        Assert.Contains(spread, c => c.TopologyKey == "kubernetes.io/hostname" && c.LabelSelector.Selects(silos.Labels) && c.MaxSkew == 1);
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryImage_HasATag_AndItIsNotLatest(string overlay)
    {
        foreach (var (workload, container) in Containers(overlay))
        {
            var image = container.Image;
            var name = image.Split('@')[0];
            var tag = name.LastIndexOf(':') > name.LastIndexOf('/') ? name[(name.LastIndexOf(':') + 1)..] : null;
            Assert.True(image.Contains("@sha256:", StringComparison.Ordinal) || tag is not null, $"{workload} {container.Name}: image {image} has no tag (Kubernetes would pull latest)");
            Assert.True(tag is null || !string.Equals(tag, "latest", StringComparison.OrdinalIgnoreCase), $"{workload} {container.Name}: image {image} is latest");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void SilosAndFrontEnds_AreAnnotatedForPrometheus(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var host in new[] { HostKind.Silo, HostKind.FrontEnd })
        {
            var annotations = rendered.WorkloadOf(host).Template.Metadata.Annotations ?? new Dictionary<string, string>(StringComparer.Ordinal);
            Assert.Equal("true", annotations.TryGetValue("prometheus.io/scrape", out var scrape) ? scrape : null);
            Assert.Equal("/metrics", annotations.TryGetValue("prometheus.io/path", out var path) ? path : null);
            Assert.True(annotations.ContainsKey("prometheus.io/port"), $"{host}: no prometheus.io/port");
        }
    }

    private static IEnumerable<(Workload Workload, V1Container Container)> Containers(string overlay)
    {
        var all = RenderedOverlay.Of(overlay).Workloads.SelectMany(w => w.AllContainers.Select(c => (w, c))).ToList();
        Assert.NotEmpty(all);
        return all;
    }
}
