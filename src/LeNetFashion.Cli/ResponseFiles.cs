namespace LeNetFashion.Cli;

/// <summary>
/// Response files (<c>@file</c>: a file of further arguments, one or more per line, System.CommandLine 2.0's
/// <c>ResponseFileTokenReplacer</c>) stay as System.CommandLine reads them, CRLF line endings included. What this class
/// changes is the error for an argument that starts with <c>@</c> but names no file, as <c>train --output @exp1</c>
/// does when <c>@exp1</c> was meant as a folder name: System.CommandLine prints two lines, "Response file not found
/// 'exp1'." and "Required argument missing for option: '--output'."; this says in one line what happened and how to
/// pass such a path.
/// </summary>
public static class ResponseFiles
{
    /// <summary>
    /// The one-line error for the first argument that starts with <c>@</c> and names no existing file (relative paths
    /// are from the current folder, as System.CommandLine reads them), or <c>null</c> when there is none. Only the
    /// command line's own arguments are checked, not those inside response files.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>
    /// For example <c>--output @exp1: a leading '@' names a response file (a file of further arguments), and there is
    /// no file exp1; to pass a path that starts with '@', write ./@exp1</c>, without the <c>error: </c> prefix.
    /// </returns>
    public static string? MissingFileError(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '@' || File.Exists(arg[1..]))
            {
                continue;
            }

            var option = i > 0 && args[i - 1].StartsWith('-') ? args[i - 1] + " " : "";
            return $"{option}{arg}: a leading '@' names a response file (a file of further arguments), and there is no file {arg[1..]}; to pass a path that starts with '@', write ./{arg}";
        }

        return null;
    }

    /// <summary>
    /// Writes <see cref="MissingFileError"/>'s line, prefixed with <c>error: </c>, to <paramref name="error"/> and returns
    /// <see cref="ExitCodes.InvalidArguments"/>; returns <c>null</c> and writes nothing when every <c>@</c> argument
    /// names a file. Call it before invoking the parse result: <c>return ResponseFiles.ReportMissingFile(args, error) ??
    /// parse.Invoke(…)</c>.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code 1, or <c>null</c> to go on.</returns>
    public static int? ReportMissingFile(IReadOnlyList<string> args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (MissingFileError(args) is not { } message)
        {
            return null;
        }

        error.WriteLine("error: " + message);
        return ExitCodes.InvalidArguments;
    }
}
