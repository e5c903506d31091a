using k8s.Models;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>A Deployment or StatefulSet of a rendered overlay: what every workload check looks at.</summary>
public sealed record Workload(string Kind, string Name, V1LabelSelector Selector, V1PodTemplateSpec Template, int? Replicas)
{
    public V1PodSpec Pod => Template.Spec;

    public IDictionary<string, string> Labels => Template.Metadata?.Labels ?? new Dictionary<string, string>(StringComparer.Ordinal);

    public IEnumerable<V1Container> AllContainers => Pod.Containers.Concat(Pod.InitContainers ?? []);

    public override string ToString() => $"{Kind}/{Name}";
}
