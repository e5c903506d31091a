using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Silo.Grains.Hosting;

/// <summary>Runs a host so that a bad setting stops start-up with one clear line naming the key, not a stack trace.</summary>
public static class StartupFailure
{
    /// <summary>Exit code of a process that did not start because of its configuration.</summary>
    public const int ConfigurationExitCode = 2;

    /// <summary>
    /// Binds and validates every setting registered with <c>ValidateOnStart</c> now, before anything starts, so a
    /// bad value is reported once, on one line, rather than logged with a stack trace by the failing host.
    /// </summary>
    /// <returns>False (after printing the line) when a setting is invalid.</returns>
    public static bool Validate(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
            return true;
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            Console.Error.WriteLine(message);
            return false;
        }
    }

    /// <summary>Validates the settings (<see cref="Validate"/>), then runs the host until it stops.</summary>
    public static async Task<int> RunAsync(IHost host)
    {
        if (!Validate(host))
        {
            return ConfigurationExitCode;
        }

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
