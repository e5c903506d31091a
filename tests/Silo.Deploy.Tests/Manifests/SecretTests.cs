using System.Text.RegularExpressions;
using k8s.Models;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>No secret is written in the repository: the manifests refer to Secrets the operator creates.</summary>
public sealed partial class SecretTests
{
    /// <summary>Settings whose values are credentials (the Redis connection string carries its password).</summary>
    private static readonly string[] SecretSettings = ["Admin__Token", "Cluster__Redis"];

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void NoSecret_IsRendered(string overlay)
    {
        Assert.Empty(RenderedOverlay.Of(overlay).Objects.OfType<V1Secret>());
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void CredentialSettings_ComeFromTheDocumentedSecrets(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var container in rendered.Workloads.SelectMany(w => w.AllContainers))
        {
            foreach (var variable in container.Env ?? [])
            {
                var isCredential = SecretSettings.Contains(variable.Name, StringComparer.Ordinal) || LooksLikeACredential().IsMatch(variable.Name);
                Assert.True(!isCredential || variable.ValueFrom?.SecretKeyRef is not null, $"{container.Name}: {variable.Name} is not taken from a Secret");
                if (variable.ValueFrom?.SecretKeyRef is { } reference)
                {
                    Assert.Contains((reference.Name, reference.Key), PodValues.DocumentedSecrets);
                    Assert.NotEqual(true, reference.Optional);
                }
            }

            string[] required = Hosts.Of(container) switch
            {
                HostKind.FrontEnd => SecretSettings,
                HostKind.Silo => ["Cluster__Redis"],
                _ => [],
            };
            foreach (var setting in required)
            {
                Assert.True((container.Env ?? []).Any(v => v.Name == setting && v.ValueFrom?.SecretKeyRef is not null), $"{container.Name}: {setting} is not set from a Secret");
            }
        }
    }

    [Theory]
    [MemberData(nameof(RenderedOverlay.Names), MemberType = typeof(RenderedOverlay))]
    public void NoLiteral_CarriesAPassword(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var literals = rendered.Objects.OfType<V1ConfigMap>().SelectMany(c => (c.Data ?? new Dictionary<string, string>(StringComparer.Ordinal)).Select(d => (Where: $"ConfigMap {c.Metadata.Name} {d.Key}", d.Key, d.Value)))
            .Concat(rendered.Workloads.SelectMany(w => w.AllContainers).SelectMany(c => (c.Env ?? []).Where(v => v.Value is not null).Select(v => (Where: $"{c.Name} env", Key: v.Name, v.Value))));
        foreach (var (where, key, value) in literals)
        {
            Assert.False(SecretSettings.Contains(key, StringComparer.Ordinal) || LooksLikeACredential().IsMatch(key), $"{where}: {key} is a literal");
            Assert.False(PasswordInAConnectionString().IsMatch(value), $"{where}: {key} holds a password");
        }

        // Arguments (Redis' --requirepass) take a password only from a variable that comes from a Secret.
        foreach (var container in rendered.Workloads.SelectMany(w => w.AllContainers))
        {
            var arguments = (container.Command ?? []).Concat(container.Args ?? []).ToList();
            for (var i = 0; i + 1 < arguments.Count; i++)
            {
                if (arguments[i].Contains("pass", StringComparison.OrdinalIgnoreCase))
                {
                    var variable = Regex.Match(arguments[i + 1], @"^\$\((\w+)\)$").Groups[1].Value;
                    Assert.True((container.Env ?? []).Any(v => v.Name == variable && v.ValueFrom?.SecretKeyRef is not null), $"{container.Name}: {arguments[i]} is not given a Secret's value");
                }
            }
        }
    }

    [Fact]
    public void Readme_TellsOperatorsHowToCreateEveryReferencedSecret()
    {
        var readme = File.ReadAllText(Path.Combine(RenderedOverlay.K8sDirectory, "README.md"));
        foreach (var (secret, key) in PodValues.DocumentedSecrets)
        {
            Assert.Matches($@"create secret generic {Regex.Escape(secret)}\b[^\n]*(\\\n[^\n]*)*--from-literal={Regex.Escape(key)}=", readme);
        }
    }

    [GeneratedRegex("(?i)(password|passwd|secret|token|apikey)")]
    private static partial Regex LooksLikeACredential();

    [GeneratedRegex(@"(?i)password\s*=\s*(?!\$\()[^,\s]")]
    private static partial Regex PasswordInAConnectionString();
}
