using System.CommandLine;
using System.Globalization;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>The <c>compare</c> verb: training runs side by side (table, compare.csv, compare.png, compare.html).</summary>
internal sealed class CompareCommand : Command
{
    private readonly Argument<string[]> _runs = new("runs")
    {
        Description = "Run folders written by train, or a folder of runs (its sub-folders that hold model.json).",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string?> _output = CommonOptions.NonEmpty(new Option<string?>("--output", "-o") { Description = "Folder for compare.csv, compare.png and compare.html. Default: the folder of runs given, or ./compare when run folders are given.", HelpName = "dir" });
    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public CompareCommand(TextWriter output, TextWriter error)
        : base("compare", "Compare training runs: the options that differ, parameters, best epoch, validation and test accuracy, seconds per epoch, as a table (sorted by validation accuracy), compare.csv, an overlay of validation curves (compare.png) and compare.html.")
    {
        Arguments.Add(_runs);
        Options.Add(_output);
        Options.Add(_verbose);
        Action = new CompareAction(this, output, error, _verbose);
    }

    private sealed class CompareAction(CompareCommand command, TextWriter output, TextWriter error, Option<bool> verbose) : VerbAction(output, error, verbose)
    {
        protected override int Run(ParseResult parse)
        {
            TorchRuntime.EnsureLoaded();
            var result = CompareRun.Execute(new CompareRequest { Runs = parse.GetValue(command._runs) ?? [], Output = parse.GetValue(command._output) });
            foreach (var line in result.Skipped)
            {
                Error.WriteLine($"note: {line}");
            }

            Output.Write(CompareRun.ToText(result));
            var best = result.Runs[0];
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Best by validation accuracy: {best.Name} (validation {best.Metadata.ValAccuracy:F4}, test {best.Metadata.TestAccuracy:F4})"));
            Output.WriteLine($"Wrote {result.OutputDir}: {string.Join(", ", result.Files)}");
            return ExitCodes.Success;
        }
    }
}
