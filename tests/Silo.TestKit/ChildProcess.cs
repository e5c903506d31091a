using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Silo.TestKit;

/// <summary>
/// A process a test starts (a real front end or silo), with its output captured line by line. Disposing it
/// kills it (only it: tests end only the processes they started).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything printed so far, stdout and stderr interleaved.</summary>
    public string Output => string.Join('\n', _lines);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a printed line that satisfies <paramref name="match"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var cts = new CancellationTokenSource(timeout ?? Await.Default);
        var seen = 0;
        while (true)
        {
            var lines = _lines.ToArray();
            for (; seen < lines.Length; seen++)
            {
                if (match(lines[seen]))
                {
                    return lines[seen];
                }
            }

            if (_process.HasExited && _lines.Count == seen)
            {
                throw new InvalidOperationException($"Process exited ({_process.ExitCode}) before printing the expected line. Output:\n{Output}");
            }

            try
            {
                await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"Expected line not printed in time. Output:\n{Output}", ex);
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout ?? Await.Default);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (graceful shutdown) on Unix.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends SIGSTOP: the process freezes (as in a long GC pause or a stalled VM) until <see cref="Resume"/>.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>Sends SIGCONT to a frozen process.</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill!.WaitForExit();
        }
    }

    /// <summary>Kills the process with SIGKILL (a crash: no shutdown code runs) and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _lineArrived.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _lineArrived.Release();
        }
    }
}
