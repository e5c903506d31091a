using System.Text.RegularExpressions;
using Silo.Deploy.Tests.Manifests;
using Silo.TestKit;

namespace Silo.Deploy.Tests.Publishing;

/// <summary>
/// deploy/docker/Dockerfile, read as text (no container engine runs here): official .NET 10 images with a pinned
/// tag, a target per host that runs the published entry assembly as a non-root user and exposes exactly the
/// ports the manifests give the host's container, and the same publish command the tests run.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string DockerfilePath = Path.Combine(RepositoryPaths.Root, "deploy", "docker", "Dockerfile");

    private static readonly IReadOnlyList<Stage> Stages = Parse(File.ReadAllLines(DockerfilePath));

    [Fact]
    public void EveryBaseImage_IsAnOfficialDotNet10Image_WithAPinnedTag()
    {
        var images = Stages.Select(s => s.From).Where(from => Stages.All(s => s.Name != from)).ToList();

        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(sdk|aspnet|runtime|runtime-deps):10\.0(\.\d+)?(-[a-z0-9-]+)?(@sha256:[0-9a-f]{64})?$", image));
    }

    [Theory]
    [InlineData(HostKind.Silo, "silo")]
    [InlineData(HostKind.FrontEnd, "frontend")]
    public void HostTarget_RunsTheEntryAssemblyAsNonRoot_OnTheAspNetRuntime(HostKind host, string target)
    {
        var chain = Chain(target);

        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", chain[^1].From, StringComparison.Ordinal);
        Assert.Equal($"[\"dotnet\", \"{Hosts.AssemblyName(host)}.dll\"]", chain.Select(s => s.Last("ENTRYPOINT")).First(e => e is not null));
        var user = chain.Select(s => s.Last("USER")).First(u => u is not null);
        Assert.True(user is "$APP_UID" or "app" || (int.TryParse(user, System.Globalization.CultureInfo.InvariantCulture, out var uid) && uid > 0), $"{target} runs as {user}");
    }

    [Theory]
    [InlineData(HostKind.Silo, "silo")]
    [InlineData(HostKind.FrontEnd, "frontend")]
    public void HostTarget_ExposesExactlyTheContainerPortsOfTheManifests(HostKind host, string target)
    {
        var exposed = Chain(target).SelectMany(s => s.All("EXPOSE")).SelectMany(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture));
        var container = RenderedOverlay.Of("production").WorkloadOf(host).Pod.Containers.Single(c => Hosts.Of(c) == host);

        Assert.Equal(container.Ports.Select(p => p.ContainerPort).Order(), exposed.Order());
    }

    [Theory]
    [InlineData(HostKind.Silo)]
    [InlineData(HostKind.FrontEnd)]
    public void HostIsPublished_AsTheTestsPublishIt(HostKind host)
    {
        var command = "dotnet " + string.Join(' ', PublishedHosts.PublishArguments(host)) + " -o /app";

        Assert.Contains(Stages.SelectMany(s => s.All("RUN")), run => run == command);
    }

    [Fact]
    public void RuntimeEnvironment_SetsOnlyDotNetAndAspNetCoreSettings()
    {
        var settings = Chain("silo").SelectMany(s => s.All("ENV")).SelectMany(e => Setting().Matches(e).Select(m => m.Groups["name"].Value)).ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, name => Assert.Matches("^(DOTNET_|ASPNETCORE_|Urls$)", name));
    }

    /// <summary><paramref name="target"/> and the stages it is built on, the target first.</summary>
    private static List<Stage> Chain(string target)
    {
        var chain = new List<Stage>();
        for (var stage = Stages.Single(s => s.Name == target); stage is not null; stage = Stages.SingleOrDefault(s => s.Name == stage.From))
        {
            chain.Add(stage);
        }

        return chain;
    }

    /// <summary>The Dockerfile's stages with their instructions (continuation lines joined, comments dropped).</summary>
    private static List<Stage> Parse(string[] lines)
    {
        var stages = new List<Stage>();
        var joined = string.Join('\n', lines.Where(l => !l.TrimStart().StartsWith('#'))).Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (var line in joined.Split('\n').Select(l => Regex.Replace(l.Trim(), @"\s+", " ")).Where(l => l.Length > 0))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var (instruction, argument) = (line[..space].ToUpperInvariant(), line[(space + 1)..]);
            if (instruction == "FROM")
            {
                var parts = argument.Split(' ');
                stages.Add(new Stage(parts[0], parts.Length == 3 ? parts[2] : null));
            }
            else
            {
                stages[^1].Instructions.Add((instruction, argument));
            }
        }

        return stages;
    }

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex Setting();

    private sealed record Stage(string From, string? Name)
    {
        public List<(string Instruction, string Argument)> Instructions { get; } = [];

        public IEnumerable<string> All(string instruction) => Instructions.Where(i => i.Instruction == instruction).Select(i => i.Argument);

        public string? Last(string instruction) => All(instruction).LastOrDefault();
    }
}
