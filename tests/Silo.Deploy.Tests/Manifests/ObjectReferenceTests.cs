using k8s.Models;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>Services, disruption budgets, the autoscaler and network policies refer to pods and ports that exist.</summary>
public sealed class ObjectReferenceTests
{
    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryService_SelectsPods_AndTheirPorts(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var service in rendered.Objects.OfType<V1Service>())
        {
            var selected = rendered.Workloads.Where(w => service.Spec.Selector.Selects(w.Labels)).ToList();
            Assert.True(selected.Count == 1, $"Service {service.Metadata.Name} selects the pods of {selected.Count} workloads");
            foreach (var port in service.Spec.Ports)
            {
                Assert.True(port.TargetPort.Resolve(selected[0].Pod) is not null, $"Service {service.Metadata.Name}: target port {port.TargetPort?.Value} is no port of {selected[0]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void DisruptionBudgets_SelectTheSilosAndTheFrontEnds_AndLetOneGoAtATime(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var host in new[] { HostKind.Silo, HostKind.FrontEnd })
        {
            var workload = rendered.WorkloadOf(host);
            var budgets = rendered.Objects.OfType<V1PodDisruptionBudget>().Where(b => b.Spec.Selector.Selects(workload.Labels)).ToList();
            var budget = Assert.Single(budgets);
            Assert.Equal("1", budget.Spec.MaxUnavailable?.Value);
            Assert.Null(budget.Spec.MinAvailable);
        }

        foreach (var budget in rendered.Objects.OfType<V1PodDisruptionBudget>())
        {
            Assert.True(rendered.Workloads.Count(w => budget.Spec.Selector.Selects(w.Labels)) == 1, $"PodDisruptionBudget {budget.Metadata.Name} does not select exactly one workload's pods");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void Autoscaler_ScalesTheFrontEnds_WhichLeaveTheirReplicasToIt(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var frontEnds = rendered.WorkloadOf(HostKind.FrontEnd);

        var autoscaler = Assert.Single(rendered.Objects.OfType<V2HorizontalPodAutoscaler>());

        Assert.Equal(("apps/v1", "Deployment", frontEnds.Name), (autoscaler.Spec.ScaleTargetRef.ApiVersion, autoscaler.Spec.ScaleTargetRef.Kind, autoscaler.Spec.ScaleTargetRef.Name));
        Assert.InRange(autoscaler.Spec.MinReplicas ?? 1, 1, autoscaler.Spec.MaxReplicas);
        Assert.Contains(autoscaler.Spec.Metrics, m => m.Resource?.Name == "cpu" && m.Resource.Target.AverageUtilization is > 0 and < 100);
        Assert.Null(frontEnds.Replicas); // an apply would otherwise reset what the autoscaler chose
        Assert.All(frontEnds.Pod.Containers, c => Assert.True(c.Resources?.Requests?.ContainsKey("cpu") == true, "CPU utilization needs a CPU request"));
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void EveryPod_IsUnderAnIngressPolicy_WhoseNamedPortsExist(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var policies = rendered.Objects.OfType<V1NetworkPolicy>().ToList();
        foreach (var workload in rendered.Workloads)
        {
            var mine = policies.Where(p => p.Spec.PodSelector.Selects(workload.Labels) && p.Spec.PolicyTypes.Contains("Ingress")).ToList();
            Assert.True(mine.Count > 0, $"{workload}: no ingress NetworkPolicy selects its pods");
            foreach (var port in mine.SelectMany(p => p.Spec.Ingress ?? []).SelectMany(r => r.Ports ?? []))
            {
                Assert.True(port.Port.Resolve(workload.Pod) is not null, $"{workload}: a NetworkPolicy allows port {port.Port?.Value}, which its pods do not have");
            }
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void SiloPorts_AdmitOnlySilosAndFrontEnds_AndTheFrontEndsHttpAdmitsAnyone(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var silos = rendered.WorkloadOf(HostKind.Silo);
        var frontEnds = rendered.WorkloadOf(HostKind.FrontEnd);
        var siloContainer = silos.Pod.Containers.Single(c => Hosts.Of(c) == HostKind.Silo);
        var orleansPorts = new[] { siloContainer.Port("silo"), siloContainer.Port("gateway") };
        var siloRules = Rules(rendered, silos).ToList();

        foreach (var rule in siloRules.Where(r => r.Ports is null or { Count: 0 } || r.Ports.Any(p => orleansPorts.Contains(p.Port.Resolve(silos.Pod) ?? -1))))
        {
            Assert.True(rule.FromProperty is { Count: > 0 }, "a rule admits anyone to the silo's Orleans ports");
            Assert.True(rule.Ports is { Count: > 0 }, "a rule admits its peers to every port of the silos");
            Assert.All(rule.FromProperty, peer =>
            {
                Assert.True(peer.NamespaceSelector is null && peer.IpBlock is null, "a rule admits other namespaces or addresses to the silo's Orleans ports");
                Assert.True(peer.PodSelector.Selects(silos.Labels) || peer.PodSelector.Selects(frontEnds.Labels), "a rule admits pods other than silos and front ends");
            });
        }

        Assert.Contains(siloRules, r => Admits(r, silos, siloContainer.Port("silo"), silos));
        Assert.Contains(siloRules, r => Admits(r, silos, siloContainer.Port("gateway"), frontEnds));
        var http = frontEnds.Pod.Containers.Single(c => Hosts.Of(c) == HostKind.FrontEnd).Port("http");
        Assert.Contains(Rules(rendered, frontEnds), r => r.FromProperty is null or { Count: 0 } && r.Ports.Any(p => p.Port.Resolve(frontEnds.Pod) == http));
    }

    private static IEnumerable<V1NetworkPolicyIngressRule> Rules(RenderedOverlay rendered, Workload workload) =>
        rendered.Objects.OfType<V1NetworkPolicy>().Where(p => p.Spec.PodSelector.Selects(workload.Labels)).SelectMany(p => p.Spec.Ingress ?? []);

    private static bool Admits(V1NetworkPolicyIngressRule rule, Workload to, int port, Workload from) =>
        (rule.Ports ?? []).Any(p => p.Port.Resolve(to.Pod) == port) &&
        (rule.FromProperty ?? []).Any(peer => peer.PodSelector.Selects(from.Labels));
}
