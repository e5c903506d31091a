using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Silo.Grains.Hosting;

/// <summary>Runs a host so that a bad setting stops start-up with one clear line naming the key, not a stack trace.</summary>
public static class StartupFailure
{
    /// <summary>Exit code of a process that did not start because of its configuration.</summary>
    public const int ConfigurationExitCode = 2;

    public static async Task<int> RunAsync(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            await Console.Error.WriteLineAsync(message).ConfigureAwait(false);
            return ConfigurationExitCode;
        }
    }

    /// <summary>The one-line description of a configuration error somewhere in <paramref name="exception"/>; null for anything else.</summary>
    public static string? Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OptionsValidationException validation:
                    return "Invalid configuration: " + string.Join(" ", validation.Failures);
                case InvalidOperationException conversion when conversion.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                    return "Invalid configuration: " + conversion.Message;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    return aggregate.InnerExceptions.Select(Describe).FirstOrDefault(m => m is not null);
            }
        }

        return null;
    }
}
