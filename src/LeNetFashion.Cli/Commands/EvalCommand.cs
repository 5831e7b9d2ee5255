using System.CommandLine;
using System.Globalization;
using LeNetFashion.Evaluation;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>The <c>eval</c> verb: scores a saved model and prints accuracy, the per-class report and the most confused pairs.</summary>
internal sealed class EvalCommand : Command
{
    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "Model file written by train (model.dat; model.json must be beside it).",
        Required = true,
        HelpName = "file",
    };

    private readonly Option<string?> _dataDir = CommonOptions.DataDir();
    private readonly Option<string?> _testDir = CommonOptions.NonEmpty(new Option<string?>("--test-dir")
    {
        Description = "For a model trained on a folder of pictures: the test pictures, one sub-folder per class. Default: the model's own, or <data-dir>/test.",
        HelpName = "dir",
    });
    private readonly EnumOption<ComputeDevice> _device = CommonOptions.Device();
    private readonly Option<int?> _batchSize = CommonOptions.OptionalPositiveInt(
        "--batch-size", $"Images per forward pass. Default: {Evaluator.DefaultBatchSize} for the test set (as train's final test), the training batch size for --split val.", "n");

    private readonly Option<string?> _output = CommonOptions.NonEmpty(new Option<string?>("--output", "-o") { Description = "Folder for the reports. Default: eval-test/ or eval-val/ beside the model file.", HelpName = "dir" });
    private readonly EnumOption<EvalSplit> _split = new(
        "--split", "test: the 10,000 test images; val: the model's validation batches (its stored batch size and train rate).", EvalSplit.Test);

    private readonly Option<string?> _tta = CommonOptions.TestTimeAugmentationOverride();

    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public EvalCommand(TextWriter output, TextWriter error)
        : base("eval", "Score a saved model on the test set (or its validation batches): accuracy, per-class precision/recall/F1, most confused pairs, confusion-matrix CSV and PNGs, misclassified.png, metrics.json.")
    {
        Options.Add(_model);
        Options.Add(_dataDir);
        Options.Add(_testDir);
        Options.Add(_device);
        Options.Add(_batchSize);
        Options.Add(_output);
        Options.Add(_split);
        Options.Add(_tta);
        Options.Add(_verbose);
        Action = new EvalAction(this, output, error, _verbose);
    }

    /// <summary>Maps the parsed command line onto a request.</summary>
    public EvalRequest ToRequest(ParseResult parse) => new()
    {
        Model = parse.GetValue(_model)!,
        DataDir = parse.GetValue(_dataDir),
        TestDir = parse.GetValue(_testDir),
        Device = _device.Value(parse),
        BatchSize = parse.GetValue(_batchSize),
        Output = parse.GetValue(_output),
        Split = _split.Value(parse),
        Tta = parse.GetValue(_tta),
    };

    private sealed class EvalAction(EvalCommand command, TextWriter output, TextWriter error, Option<bool> verbose) : VerbAction(output, error, verbose)
    {
        protected override int Run(ParseResult parse)
        {
            TorchRuntime.EnsureLoaded();
            var r = EvalRun.Execute(command.ToRequest(parse));
            foreach (var note in r.Notes)
            {
                Output.WriteLine(note);
            }

            Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.SplitName} accuracy: {r.Confusion.Accuracy:F4} ({r.Confusion.Correct:N0} of {r.Confusion.Total:N0})"));
            Output.WriteLine();
            Output.Write(r.Report.ToText());
            Output.WriteLine();
            Output.WriteLine("Most confused pairs:");
            foreach (var p in r.Confusion.MostConfusedPairs(3))
            {
                Output.WriteLine($"  {p}");
            }

            Output.WriteLine();
            Output.WriteLine($"Wrote {r.OutputDir}: {string.Join(", ", r.Files)}");
            return ExitCodes.Success;
        }
    }
}
