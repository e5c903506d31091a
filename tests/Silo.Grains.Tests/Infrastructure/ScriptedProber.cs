using System.Collections.Concurrent;
using Silo.Grains.Services;

namespace Silo.Grains.Tests.Infrastructure;

/// <summary>Answers health checks as the test says (every target passes unless failed) and remembers what it was asked.</summary>
internal sealed class ScriptedProber : IHealthProber
{
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);

    public ConcurrentBag<string> Seen { get; } = [];

    /// <summary>Checks of <paramref name="target"/> (the full check URL) fail from now on.</summary>
    public void Fail(string target)
    {
        lock (_failing)
        {
            _failing.Add(target);
        }
    }

    /// <summary>Checks of <paramref name="target"/> pass from now on.</summary>
    public void Pass(string target)
    {
        lock (_failing)
        {
            _failing.Remove(target);
        }
    }

    /// <summary>Every check passes from now on.</summary>
    public void PassAll()
    {
        lock (_failing)
        {
            _failing.Clear();
        }
    }

    public Task<bool> ProbeAsync(Uri target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        Seen.Add(target.ToString());
        lock (_failing)
        {
            return Task.FromResult(!_failing.Contains(target.ToString()));
        }
    }
}
