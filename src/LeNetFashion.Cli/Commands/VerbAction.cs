using System.CommandLine;
using System.CommandLine.Invocation;
using LeNetFashion.Data;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>
/// Base of the verbs' actions (System.CommandLine's action classes): runs the verb and turns known failures into
/// one line on standard error and an exit code (see <see cref="ExitCodes"/>); <c>--verbose</c> adds the stack trace.
/// </summary>
/// <param name="output">Standard output.</param>
/// <param name="error">Standard error.</param>
/// <param name="verbose">The verb's <c>--verbose</c> option.</param>
internal abstract class VerbAction(TextWriter output, TextWriter error, Option<bool> verbose) : SynchronousCommandLineAction
{
    /// <summary>Standard output.</summary>
    protected TextWriter Output { get; } = output;

    /// <summary>Standard error.</summary>
    protected TextWriter Error { get; } = error;

    /// <inheritdoc />
    public sealed override int Invoke(ParseResult parseResult)
    {
        try
        {
            LeNetFashion.Runtime.Kernels.ThrowIfMisconfigured();
            return Run(parseResult);
        }
        catch (Exception e) when (ExitCodeFor(e) is { } code)
        {
            Error.WriteLine($"error: {(parseResult.GetValue(verbose) ? e.ToString() : OneLine(e))}");
            return code;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A defect of the tool, not of the input: one line (the stack trace only with --verbose) and its own code,
            // never "invalid command line" or "bad input".
            Error.WriteLine(parseResult.GetValue(verbose)
                ? $"error: internal error: {e}"
                : $"error: internal error ({e.GetType().Name}): {OneLine(IO.Messages.FirstLine(e.Message))}; please report it with the output of --verbose");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Runs the verb.</summary>
    /// <returns>The exit code.</returns>
    protected abstract int Run(ParseResult parse);

    /// <summary>
    /// A message on one line. The tool's own messages keep all their text, with control characters that came from a
    /// file (a name holding a line break or a terminal escape) shown as '?', so no file can print a second line that
    /// looks like the tool's; other exceptions keep only their first line (LibTorch adds a C++ stack on later lines).
    /// </summary>
    private static string OneLine(Exception e) => OneLine(e is DataFormatException or ModelFileException or UsageException ? e.Message.Trim() : IO.Messages.FirstLine(e.Message));

    private static string OneLine(string message) => IO.Messages.Printable(message);

    private static int? ExitCodeFor(Exception e) => e switch
    {
        DataFormatException or ModelFileException or InvalidDataException => ExitCodes.BadInput,
        TorchLoadException => ExitCodes.RuntimeUnavailable,
        UsageException => ExitCodes.InvalidArguments,
        OutOfMemoryException or InsufficientExecutionStackException => null,
        IOException or UnauthorizedAccessException => ExitCodes.OutputError,
        _ => null,
    };
}
