using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>What each overlay is for: dev is one silo, one front end and its own durable Redis; production is three or more silos, spread, with more resources.</summary>
public sealed class OverlayShapeTests
{
    [Fact]
    public void Dev_RunsOneSiloOneFrontEnd_AndARedisWithItsAppendOnlyFileOnAVolume()
    {
        var dev = RenderedOverlay.Of("dev");

        Assert.Equal(1, dev.WorkloadOf(HostKind.Silo).Replicas);
        var autoscaler = Assert.Single(dev.Objects.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal((1, 1), (autoscaler.Spec.MinReplicas, autoscaler.Spec.MaxReplicas));

        var redis = Assert.Single(dev.Objects.OfType<V1StatefulSet>());
        Assert.Equal(1, redis.Spec.Replicas);
        var server = Assert.Single(redis.Spec.Template.Spec.Containers);
        var arguments = server.Args.ToList();
        Assert.Equal("yes", arguments[arguments.IndexOf("--appendonly") + 1]);
        var directory = arguments[arguments.IndexOf("--dir") + 1];
        var claim = Assert.Single(redis.Spec.VolumeClaimTemplates);
        Assert.Contains(server.VolumeMounts, m => m.Name == claim.Metadata.Name && m.MountPath == directory);
        Assert.Contains(dev.Objects.OfType<V1Service>(), s => s.Metadata.Name == redis.Spec.ServiceName);
    }

    [Fact]
    public void Production_RunsThreeOrMoreSilos_KeptApart_WithMoreResourcesThanDev()
    {
        var production = RenderedOverlay.Of("production");
        var silos = production.WorkloadOf(HostKind.Silo);

        Assert.True(silos.Replicas >= 3, $"{silos.Replicas} silos");
        var antiAffinity = silos.Pod.Affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [];
        Assert.Contains(antiAffinity, t => t.PodAffinityTerm.TopologyKey == "kubernetes.io/hostname" && t.PodAffinityTerm.LabelSelector.Selects(silos.Labels));
        Assert.Empty(production.Objects.OfType<V1StatefulSet>()); // Redis is external
        Assert.True(Assert.Single(production.Objects.OfType<V2HorizontalPodAutoscaler>()).Spec.MinReplicas >= 2);

        var dev = RenderedOverlay.Of("dev");
        foreach (var host in new[] { HostKind.Silo, HostKind.FrontEnd })
        {
            foreach (var resource in new[] { "cpu", "memory" })
            {
                Assert.True(Request(production, host, resource) > Request(dev, host, resource), $"{host}: production's {resource} request is not above dev's");
                Assert.True(Limit(production, host, resource) > Limit(dev, host, resource), $"{host}: production's {resource} limit is not above dev's");
            }
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void SiloImages_AreNamedAndTaggedByTheOverlaysImagesList(string overlay)
    {
        var images = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RenderedOverlay.K8sDirectory, "overlays", overlay, "kustomization.yaml")))
        {
            images.Load(reader);
        }

        var entries = ((YamlSequenceNode)((YamlMappingNode)images.Documents[0].RootNode)["images"]).Cast<YamlMappingNode>()
            .ToDictionary(e => ((YamlScalarNode)e["name"]).Value!, e => e, StringComparer.Ordinal);
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var (host, baseImage) in new[] { (HostKind.Silo, "silo-silo"), (HostKind.FrontEnd, "silo-frontend") })
        {
            var entry = entries[baseImage];
            var name = entry.Children.TryGetValue("newName", out var newName) ? ((YamlScalarNode)newName).Value : baseImage;
            var tag = ((YamlScalarNode)entry["newTag"]).Value;
            Assert.Equal($"{name}:{tag}", rendered.WorkloadOf(host).Pod.Containers.Single(c => Hosts.Of(c) == host).Image);
        }
    }

    private static decimal Request(RenderedOverlay overlay, HostKind host, string resource) =>
        overlay.WorkloadOf(host).Pod.Containers.Single(c => Hosts.Of(c) == host).Resources.Requests[resource].ToDecimal();

    private static decimal Limit(RenderedOverlay overlay, HostKind host, string resource) =>
        overlay.WorkloadOf(host).Pod.Containers.Single(c => Hosts.Of(c) == host).Resources.Limits[resource].ToDecimal();
}
