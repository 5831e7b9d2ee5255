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

    /// <summary>Largest response file read, in bytes (1 MiB: tens of thousands of arguments).</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Deepest nesting of response files inside response files that is followed.</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// The one-line error for the first response file (also inside response files, to <see cref="MaxDepth"/> levels) that
    /// is not a regular file (a device such as /dev/zero, a pipe, a folder) or is over <see cref="MaxBytes"/>, or null.
    /// System.CommandLine reads a response file whole, so /dev/zero as one took 8 GB in 20 s before this check.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The message without the <c>error: </c> prefix, or null.</returns>
    public static string? UnreadableFileError(IReadOnlyList<string> args) => UnreadableFileError(args, 0);

    private static string? UnreadableFileError(IEnumerable<string> args, int depth)
    {
        foreach (var arg in args)
        {
            if (arg.Length < 2 || arg[0] != '@' || !Path.Exists(arg[1..]))
            {
                continue;
            }

            var path = arg[1..];
            if (Directory.Exists(path))
            {
                return $"{arg}: is a folder; a response file (a file of further arguments) must be a text file of at most {MaxBytes:N0} bytes";
            }

            var info = new FileInfo(path);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target)
            {
                info = target;
            }

            if (info.Length > MaxBytes)
            {
                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{arg}: {info.Length:N0} bytes; a response file (a file of further arguments) is read only up to {MaxBytes:N0} bytes");
            }

            if (info.Length == 0 && HasContent(path))
            {
                // A device such as /dev/zero (or a /proc file) reports no length but never ends.
                return $"{arg}: not a regular file (it states no length but has content, e.g. a device); a response file must be a text file of at most {MaxBytes:N0} bytes";
            }

            if (depth + 1 >= MaxDepth)
            {
                return $"{arg}: response files nested more than {MaxDepth} deep (a file that names itself?)";
            }

            var nested = File.ReadLines(path).SelectMany(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Where(t => t.StartsWith('@'));
            if (UnreadableFileError(nested, depth + 1) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    /// <summary>Whether a file that states a length of 0 yields a byte when read.</summary>
    private static bool HasContent(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            return stream.ReadByte() >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
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
        if ((MissingFileError(args) ?? UnreadableFileError(args)) is not { } message)
        {
            return null;
        }

        error.WriteLine("error: " + message);
        return ExitCodes.InvalidArguments;
    }
}
