using System.ComponentModel;
using System.Diagnostics;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>
/// Runs <c>kubectl kustomize</c>, which renders a kustomization offline (no cluster). The binary is <c>kubectl</c>
/// on the PATH (scripts/test.sh installs Debian's when it is missing), or the one <c>KUBECTL</c> names.
/// </summary>
internal static class Kubectl
{
    public static string Binary { get; } = Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } binary ? binary : "kubectl";

    /// <summary>The rendered YAML of the kustomization in <paramref name="directory"/>.</summary>
    public static string Kustomize(string directory)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(directory);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{Binary} did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"{Binary} is not installed: scripts/test.sh installs it (apt-get install kubernetes-client).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill();
                throw new TimeoutException($"{Binary} kustomize {directory} did not finish within 60 s");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Binary} kustomize {directory} failed ({process.ExitCode}): {errors.Result}");
            }

            return output.Result;
        }
    }
}
