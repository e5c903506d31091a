using System.Text;
using k8s.Models;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>
/// The environment the kubelet gives a container: the keys of its <c>envFrom</c> ConfigMaps first, then its
/// <c>env</c> in order, each value with <c>$(NAME)</c> expanded from the variables defined before it (<c>$$</c>
/// escapes). Values from the downward API and from Secrets are supplied by the caller, since no cluster runs.
/// </summary>
public sealed class ContainerEnvironment
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private ContainerEnvironment()
    {
    }

    /// <summary>Every variable the container gets, with its value.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Variables some other variable's value refers to as <c>$(NAME)</c>.</summary>
    public ISet<string> Referenced { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Variables whose value comes from a Secret.</summary>
    public ISet<string> FromSecrets { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <param name="field">The value of a downward API field (<c>metadata.name</c>, <c>status.podIP</c>, …).</param>
    /// <param name="secret">The value of a Secret's key (secret name, key).</param>
    public static ContainerEnvironment Resolve(V1Container container, RenderedOverlay overlay, Func<string, string> field, Func<string, string, string> secret)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(overlay);
        var environment = new ContainerEnvironment();
        foreach (var source in container.EnvFrom ?? [])
        {
            var configMap = source.ConfigMapRef?.Name ?? throw new InvalidOperationException($"{container.Name}: only envFrom ConfigMaps are expected");
            foreach (var (key, value) in overlay.ConfigMap(configMap).Data ?? new Dictionary<string, string>(StringComparer.Ordinal))
            {
                environment._values[(source.Prefix ?? string.Empty) + key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            environment._values[variable.Name] = variable.ValueFrom switch
            {
                null => environment.Expand(variable.Value ?? string.Empty),
                { FieldRef: { } f } => field(f.FieldPath),
                { SecretKeyRef: { } s } => environment.FromSecret(variable.Name, secret(s.Name, s.Key)),
                { ConfigMapKeyRef: { } c } => overlay.ConfigMap(c.Name).Data[c.Key],
                _ => throw new InvalidOperationException($"{container.Name}: {variable.Name} has a source this test does not resolve"),
            };
        }

        return environment;
    }

    /// <summary>The variables as ASP.NET Core's environment variable provider reads them: <c>__</c> is <c>:</c>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AsConfiguration() =>
        _values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value));

    private string FromSecret(string name, string value)
    {
        FromSecrets.Add(name);
        return value;
    }

    private string Expand(string value)
    {
        var result = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '$')
            {
                result.Append('$');
                i++;
            }
            else if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '(' && value.IndexOf(')', i + 2) is var end and > 0)
            {
                var name = value[(i + 2)..end];
                Referenced.Add(name);
                result.Append(_values.TryGetValue(name, out var defined) ? defined : value[i..(end + 1)]);
                i = end;
            }
            else
            {
                result.Append(value[i]);
            }
        }

        return result.ToString();
    }
}
