using k8s.Models;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>Resolves a port given by name or number against the container ports of a pod.</summary>
internal static class PortNames
{
    /// <summary>The container port <paramref name="port"/> names in <paramref name="pod"/>; null when it names none.</summary>
    public static int? Resolve(this IntOrString? port, V1PodSpec pod)
    {
        if (port?.Value is not { } value)
        {
            return null;
        }

        var ports = pod.Containers.SelectMany(c => c.Ports ?? []).ToList();
        return int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? ports.Any(p => p.ContainerPort == number) ? number : null
            : ports.SingleOrDefault(p => p.Name == value)?.ContainerPort;
    }

    /// <summary>The container port named <paramref name="name"/>; fails when there is none.</summary>
    public static int Port(this V1Container container, string name) =>
        (container.Ports ?? []).SingleOrDefault(p => p.Name == name)?.ContainerPort
        ?? throw new InvalidOperationException($"container {container.Name} has no port named {name}");
}
