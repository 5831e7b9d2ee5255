using System.CommandLine;
using System.Globalization;
using LeNetFashion.Cli.Commands;

namespace LeNetFashion.Cli;

/// <summary>The command line: verbs <c>train</c>, <c>eval</c>, <c>summarize</c>, <c>predict</c> and <c>export</c> (System.CommandLine, one action class per verb).</summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the verb.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Standard output (tests pass a StringWriter).</param>
    /// <param name="error">Standard error.</param>
    /// <param name="cancellationToken">Cancels training (in addition to Ctrl+C).</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;

        // Numbers on the command line, in help text and in output are culture-invariant ('.' decimals).
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            // Response files are checked before System.CommandLine reads them (it reads each one whole).
            if (ResponseFiles.ReportMissingFile(args, error) is { } refused)
            {
                return refused;
            }

            var root = BuildRootCommand(output, error, cancellationToken);
            var parse = root.Parse(args);
            var missing = MissingValue(args, parse.CommandResult.Command);
            if (missing is not null || (parse.Errors.Count > 0 && parse.Action is System.CommandLine.Invocation.ParseErrorAction))
            {
                // One line, as every other error: the first problem, prefixed "error: " (System.CommandLine would print
                // each error unprefixed, a blank line, and for a typo more lines and suggestions). An option followed by
                // another option is refused even where the parser took the second as a value ("-o --no-tensorboard").
                var unmatched = parse.UnmatchedTokens;
                error.WriteLine("error: " + (missing
                    ?? (unmatched.Count > 0 ? Unknown(unmatched[0], parse.CommandResult.Command, args) : Plain(IO.Messages.FirstLine(parse.Errors[0].Message)))));
                return ExitCodes.InvalidArguments;
            }

            if (parse.Action is not Commands.VerbAction)
            {
                // Help and the version (System.CommandLine's own actions) write outside any verb's error handling: a full disk
                // (>/dev/full) would otherwise end in System.CommandLine's "Unhandled exception" and a stack trace.
                try
                {
                    return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
                }
                catch (IOException e)
                {
                    error.WriteLine($"error: cannot write to standard output ({IO.Messages.FirstLine(e.Message)})");
                    return ExitCodes.OutputError;
                }
            }

            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>
    /// "unknown option '--epoch'; did you mean --epochs? (see --help)": the closest name within two edits, if any. A
    /// name the verb has, given before the verb, is pointed after it; another verb's option is named as that verb's.
    /// </summary>
    private static string Unknown(string token, Command command, IReadOnlyList<string> args)
    {
        var separator = args.ToList().IndexOf("--");
        if (separator >= 0 && args.Skip(separator + 1).Contains(token))
        {
            return $"unexpected argument '{token}' after --; everything after -- is taken as a value, and this verb takes no more (see --help)";
        }

        var names = token.StartsWith('-')
            ? command.Options.SelectMany(o => o.Aliases.Append(o.Name))
            : command.Subcommands.Select(c => c.Name);
        var owners = token.StartsWith('-') && !names.Contains(token) && command.Parents.OfType<RootCommand>().FirstOrDefault() is { } root
            ? root.Subcommands.Where(c => c.Options.Any(o => o.Name == token || o.Aliases.Contains(token))).Select(c => c.Name).ToList()
            : [];
        if (owners.Count > 0)
        {
            return $"unknown option '{token}' for {command.Name}; it is an option of {string.Join(", ", owners)} (see {command.Name} --help)";
        }

        var closest = names.Select(n => (Name: n, Distance: Distance(token, n))).Where(c => c.Distance <= 2).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        var what = token.StartsWith('-') ? "option" : "command or argument";
        if (closest.Name is not null && closest.Distance == 0 && command is not RootCommand)
        {
            return $"option '{token}' goes after the verb: lenet-fashion {command.Name} {token} …";
        }

        return closest.Name is null ? $"unknown {what} '{token}'; see --help" : $"unknown {what} '{token}'; did you mean {closest.Name}? (see --help)";
    }

    /// <summary>
    /// "--optimizer: expected a value, found the option --epochs": an option that needs a value followed directly by
    /// another of the verb's options (the parser would take the second as the first's value and report a stray token
    /// later on the line instead), or "--epochs: expected a value after it" for one that ends the line; null when there is none.
    /// </summary>
    private static string? MissingValue(IReadOnlyList<string> args, Command command)
    {
        var names = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var needsValue = command.Options.Where(o => o.ValueType != typeof(bool) && o.Arity.MinimumNumberOfValues > 0)
            .SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var end = args.ToList().IndexOf("--");
        args = end >= 0 ? [.. args.Take(end)] : args;
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (needsValue.Contains(args[i]) && names.Contains(args[i + 1]))
            {
                return $"{args[i]}: expected a value, found the option {args[i + 1]}";
            }
        }

        return args.Count > 0 && needsValue.Contains(args[^1]) ? $"{args[^1]}: expected a value after it" : null;
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }

    /// <summary>
    /// System.CommandLine's type error in the tool's form: "Cannot parse argument 'abc' for option '--epochs' as expected
    /// type 'System.Int32'." becomes "--epochs abc: expected a whole number", "Option '--seed' expects a single argument
    /// but 2 were provided." becomes "--seed: given 2 times; give it once"; other messages are kept.
    /// </summary>
    internal static string Plain(string message)
    {
        var twice = System.Text.RegularExpressions.Regex.Match(message, @"^Option '(.+)' expects a single argument but (\d+) were provided\.?$");
        if (twice.Success)
        {
            return $"{twice.Groups[1].Value}: given {twice.Groups[2].Value} times; give it once";
        }

        var m = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(.*)' for option '(.+)' as expected type 'System\.(?:Nullable`1\[System\.)?(\w+)\]?'\.?$");
        if (!m.Success)
        {
            return message;
        }

        var expected = m.Groups[3].Value switch
        {
            "Int32" or "Int64" => "a whole number",
            "Double" or "Single" => "a number",
            _ => "a value of type " + m.Groups[3].Value,
        };
        return $"{m.Groups[2].Value} {m.Groups[1].Value}: expected {expected}";
    }

    /// <summary>Builds the command tree.</summary>
    internal static RootCommand BuildRootCommand(TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        new("Train, evaluate and explain LeNet on Fashion-MNIST with TorchSharp.")
        {
            new TrainCommand(output, error, cancellationToken),
            new EvalCommand(output, error),
            new SummarizeCommand(output, error),
            new PredictCommand(output, error),
            new ExportCommand(output, error),
            new CompareCommand(output, error),
            new SweepCommand(output, error, cancellationToken),
            new SetupRuntimeCommand(output, error),
        };
}
