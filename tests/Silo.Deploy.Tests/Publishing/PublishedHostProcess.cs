using System.Text.RegularExpressions;
using Silo.Deploy.Tests.Manifests;
using Silo.TestKit;

namespace Silo.Deploy.Tests.Publishing;

/// <summary>
/// A published host started as its container would start it: <c>dotnet {Host}.dll</c> in the published
/// directory, with the environment an overlay gives its container. Only the port numbers are changed (to free
/// loopback ports: the manifests' fixed ports may be taken on a shared machine); the addresses stay as written.
/// </summary>
public sealed partial class PublishedHostProcess : IAsyncDisposable
{
    private PublishedHostProcess(ChildProcess process, HttpClient client)
    {
        Process = process;
        Client = client;
    }

    public ChildProcess Process { get; }

    /// <summary>A client of the host's HTTP port (health, metrics, the admin API).</summary>
    public HttpClient Client { get; }

    /// <param name="redis">The Secret's Redis connection string (StackExchange.Redis syntax).</param>
    public static PublishedHostProcess Start(PublishedHosts published, HostKind host, RenderedOverlay overlay, string redis)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(overlay);
        var container = overlay.WorkloadOf(host).Pod.Containers.Single(c => Hosts.Of(c) == host);
        var environment = ContainerEnvironment.Resolve(container, overlay, PodValues.Field, PodValues.Secrets(redis));
        var variables = new Dictionary<string, string>(environment.Values, StringComparer.Ordinal)
        {
            // No environment is set in the image: the hosts run as Production.
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var http = FreePort.Next();
        variables["Urls"] = Port().Replace(variables["Urls"], ":" + http.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var port in new[] { "Silo__Port", "Silo__GatewayPort" }.Where(variables.ContainsKey))
        {
            variables[port] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var process = ChildProcess.Start("dotnet", [published.EntryAssembly(host)], published.PublishDirectory(host), variables);
        return new PublishedHostProcess(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(10) });
    }

    /// <summary>Waits until <paramref name="path"/> answers 200; fails at once if the process exits.</summary>
    public Task WaitForOkAsync(string path, TimeSpan timeout) =>
        Await.UntilAsync(
            async () =>
            {
                if (Process.HasExited)
                {
                    throw new InvalidOperationException($"The host exited ({Process.ExitCode}) before {path} answered 200:\n{Process.Output}");
                }

                try
                {
                    using var response = await Client.GetAsync(path);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"{path} answers 200",
            timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
    }

    [GeneratedRegex(@":\d+(?=/?$)")]
    private static partial Regex Port();
}
