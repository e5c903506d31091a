using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Silo.Deploy.Tests.Manifests;
using Silo.Grains.Hosting;
using Silo.TestKit;

namespace Silo.Deploy.Tests.Settings;

/// <summary>
/// Whether a host reads a setting (a configuration key, <c>Section:Key</c>). A key is read when it is
/// <list type="number">
/// <item>under the section of an options class the host's real wiring binds (<see cref="HostWiring.BoundOptions"/>),
/// and the configuration binder, told to fail on anything it cannot place (<c>ErrorOnUnknownConfiguration</c>),
/// binds it to that class: a misspelt key or a value of the wrong type is not read;</item>
/// <item>read one by one by the host's code (<c>GetValue("…")</c>, <c>Configuration["…"]</c>), as found in its
/// source files (src/Grains, src/ServiceDefaults and the host's own project);</item>
/// <item>or read by the frameworks under it: ASP.NET Core's <c>Urls</c>, Microsoft.Extensions.Logging's
/// <c>Logging:LogLevel:*</c>, and the OpenTelemetry SDK's <c>OTEL_RESOURCE_ATTRIBUTES</c> and
/// <c>OTEL_SERVICE_NAME</c>.</item>
/// </list>
/// </summary>
internal static partial class AppSettingsCatalog
{
    /// <summary>Options classes that are not ours: the section they are bound from (GatewaySiloHosting).</summary>
    private static readonly Dictionary<Type, string> ForeignSections = new()
    {
        [typeof(ClusterMembershipOptions)] = FailureDetection.SectionName,
    };

    private static readonly string[] OpenTelemetryVariables = ["OTEL_RESOURCE_ATTRIBUTES", "OTEL_SERVICE_NAME"];

    /// <summary>Null when <paramref name="host"/> reads <paramref name="key"/>; otherwise why not.</summary>
    public static string? WhyNotRead(HostWiring host, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (string.Equals(key, WebHostDefaults.ServerUrlsKey, StringComparison.OrdinalIgnoreCase) ||
            key.StartsWith("Logging:LogLevel:", StringComparison.OrdinalIgnoreCase) ||
            OpenTelemetryVariables.Contains(key, StringComparer.Ordinal) ||
            DirectKeys(host.Host).Contains(key))
        {
            return null;
        }

        var sections = host.BoundOptions
            .Select(type => (Type: type, Section: SectionOf(type)))
            .Where(s => s.Section is not null && key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.Section!.Length)
            .ToList();
        if (sections.Count == 0)
        {
            return $"no options class of the {host.Host} host is bound to a section containing {key}, and its code does not read the key itself";
        }

        var (options, section) = sections[0];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        try
        {
            configuration.GetSection(section!).Bind(Activator.CreateInstance(options)!, o => o.ErrorOnUnknownConfiguration = true);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return $"{options.Name} (section {section}) does not bind {key}={value}: {ex.Message}";
        }
    }

    /// <summary>Keys the host's code reads one by one through <c>IConfiguration</c>.</summary>
    public static IReadOnlySet<string> DirectKeys(HostKind host)
    {
        string[] projects = ["Grains", "ServiceDefaults", Hosts.ProjectFolder(host)];
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var project in projects)
        {
            var directory = Path.Combine(RepositoryPaths.Root, "src", project);
            foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f)))
            {
                foreach (Match match in DirectRead().Matches(File.ReadAllText(file)))
                {
                    keys.Add(match.Groups["key"].Value);
                }
            }
        }

        return keys;
    }

    private static string? SectionOf(Type options) =>
        ForeignSections.TryGetValue(options, out var foreign) ? foreign
        : options.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field ? (string?)field.GetRawConstantValue()
        : null;

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex("""(?:GetValue(?:<[^>]+>)?\(\s*"(?<key>[^"]+)"|[Cc]onfiguration\[\s*"(?<key>[^"]+)"\s*\])""")]
    private static partial Regex DirectRead();
}
