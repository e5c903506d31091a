using System.Globalization;

namespace Silo.Runtime.Redis;

/// <summary>
/// Where Redis is and how to talk to it, parsed from <c>host:port[,password=…][,database=N][,timeout=ms]</c>
/// (the <c>Cluster:Redis</c> setting).
/// </summary>
public sealed class RedisOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 6379;

    public string? Password { get; init; }

    public int Database { get; init; }

    /// <summary>How long a command may wait for its reply. The default value is 5 seconds.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a connection attempt may take. The default value is 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause between reconnection attempts. The default value is 2 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);

    public static RedisOptions Parse(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var parts = configuration.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var endpoint = parts[0];
        var colon = endpoint.LastIndexOf(':');
        var host = colon > 0 ? endpoint[..colon] : endpoint;
        var port = colon > 0 && int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
            ? p
            : colon > 0 ? throw new FormatException($"Invalid Redis port in '{endpoint}'.") : 6379;
        string? password = null;
        var database = 0;
        var timeout = TimeSpan.FromSeconds(5);
        foreach (var option in parts.Skip(1))
        {
            var eq = option.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Invalid Redis option '{option}': expected name=value.");
            }

            var name = option[..eq].Trim();
            var value = option[(eq + 1)..].Trim();
            switch (name.ToLowerInvariant())
            {
                case "password":
                    password = value;
                    break;
                case "database":
                    database = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "timeout":
                    timeout = TimeSpan.FromMilliseconds(int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new FormatException($"Unknown Redis option '{name}' (known: password, database, timeout).");
            }
        }

        return new RedisOptions { Host = host, Port = port, Password = password, Database = database, CommandTimeout = timeout };
    }

    /// <summary>The endpoint without the password, for logs.</summary>
    public override string ToString() => $"{Host}:{Port}/{Database}";
}
