using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Silo.TestKit;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>
/// One overlay of deploy/k8s as <c>kubectl kustomize</c> renders it, every object loaded into KubernetesClient's
/// typed models in strict mode: a field the model does not have (a misspelling) or a value of the wrong type
/// fails the load, as does a kind the client does not know.
/// </summary>
public sealed class RenderedOverlay
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedOverlay>> Rendered = new(StringComparer.Ordinal);

    private RenderedOverlay(string name, string yaml)
    {
        Name = name;
        Yaml = yaml;
        Objects = Load(yaml);
    }

    public static string K8sDirectory { get; } = Path.Combine(RepositoryPaths.Root, "deploy", "k8s");

    /// <summary>Every overlay under deploy/k8s/overlays, for theories.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var directory in Directory.GetDirectories(Path.Combine(K8sDirectory, "overlays")).Order(StringComparer.Ordinal))
            {
                names.Add(Path.GetFileName(directory));
            }

            return names;
        }
    }

    public string Name { get; }

    public string Yaml { get; }

    public IReadOnlyList<object> Objects { get; }

    public IEnumerable<V1Deployment> Deployments => Objects.OfType<V1Deployment>();

    public IEnumerable<Workload> Workloads =>
        Deployments.Select(d => new Workload("Deployment", d.Metadata.Name, d.Spec.Selector, d.Spec.Template, d.Spec.Replicas))
            .Concat(Objects.OfType<V1StatefulSet>().Select(s => new Workload("StatefulSet", s.Metadata.Name, s.Spec.Selector, s.Spec.Template, s.Spec.Replicas)));

    /// <summary>The workload whose pods run the container of <paramref name="host"/>.</summary>
    public Workload WorkloadOf(HostKind host) =>
        Workloads.Single(w => w.Pod.Containers.Any(c => Hosts.Of(c) == host));

    public static RenderedOverlay Of(string name) =>
        Rendered.GetOrAdd(name, n => new Lazy<RenderedOverlay>(() => new RenderedOverlay(n, Kubectl.Kustomize(Path.Combine(K8sDirectory, "overlays", n))))).Value;

    /// <summary>Loads a multi-document YAML stream strictly (unknown fields and wrong types throw).</summary>
    public static IReadOnlyList<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    public V1ConfigMap ConfigMap(string name) =>
        Objects.OfType<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == name)
        ?? throw new InvalidOperationException($"{Name}: no ConfigMap {name} is rendered");
}
