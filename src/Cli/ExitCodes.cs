namespace Silo.Cli;

/// <summary>What the tool's exit code means; scripts may rely on these.</summary>
public static class ExitCodes
{
    /// <summary>Done (for <c>check</c>: admitted).</summary>
    public const int Ok = 0;

    /// <summary>The gateway answered with an error (the problem is printed to stderr); for <c>check</c>: refused.</summary>
    public const int Refused = 1;

    /// <summary><c>config diff --detailed-exit-code</c>: the document would change something.</summary>
    public const int Changes = 2;

    /// <summary>The gateway could not be reached (connection refused, timed out, bad URL).</summary>
    public const int Unreachable = 3;

    /// <summary>The command line is wrong (unknown command or option, missing argument, unreadable file); as sysexits' EX_USAGE.</summary>
    public const int Usage = 64;
}
