namespace LeNetFashion.Cli;

/// <summary>Process exit codes (documented in README.md).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Invalid command line (System.CommandLine's parse errors also return 1).</summary>
    public const int InvalidArguments = 1;

    /// <summary>Data or model file missing or damaged.</summary>
    public const int BadInput = 2;

    /// <summary>Training diverged (non-finite loss).</summary>
    public const int Diverged = 3;

    /// <summary>TorchSharp's native library could not load.</summary>
    public const int RuntimeUnavailable = 4;

    /// <summary>An output file or folder could not be written.</summary>
    public const int OutputError = 5;

    /// <summary>A defect of the tool (an unexpected exception; BSD's EX_SOFTWARE): one line, the stack trace with --verbose.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (128 + 15), after saving what is complete.</summary>
    public const int Terminated = 143;
}
