namespace Silo.Cluster.Tests;

/// <summary>How a silo's graceful stop went: its exit code, SIGTERM to exit, and whether its readiness endpoint answered "stopping" on the way.</summary>
internal readonly record struct SiloStop(int ExitCode, TimeSpan Took, bool SawStopping);
