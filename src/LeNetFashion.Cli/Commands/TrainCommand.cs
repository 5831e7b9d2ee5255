using System.CommandLine;
using LeNetFashion.Models;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>
/// The <c>train</c> verb's options and their mapping onto a <see cref="TrainRequest"/>. Every option either
/// belongs to the run's configuration, and then conflicts with <c>--resume</c> (the run's own configuration is
/// used), or is one of the few that <see cref="ResumeCompatible"/> lists: the conflict list is derived from the
/// command's own options, so a new option can never be silently ignored on resume.
/// </summary>
internal sealed class TrainCommand : Command
{
    private static readonly RunConfig Defaults = new();

    private readonly Option<string?> _dataDir = CommonOptions.DataDir();
    private readonly Option<string> _arch = CommonOptions.OneOf("--arch", $"Network to train: {string.Join("; ", Architectures.All.Select(a => $"{a.Name}: {a.Description}"))}.", Architectures.Names, Defaults.Architecture);
    private readonly Option<int> _epochs = CommonOptions.PositiveInt("--epochs", "Number of epochs (passes over the training batches).", Defaults.Epochs, "n");
    private readonly Option<int> _batchSize = CommonOptions.PositiveInt("--batch-size", "Images per batch; the last batch may be smaller.", Defaults.BatchSize, "n");
    private readonly Option<double> _lr = CommonOptions.Number(
        "--lr", "Learning rate, a positive number.", Defaults.LearningRate, "rate", "0.001", v => double.IsFinite(v) && v > 0, "a positive finite number");
    private readonly Option<double> _trainRate = CommonOptions.Number(
        "--train-rate",
        "Fraction of the training batches that train, strictly between 0 and 1; the following batches validate (round(batches × rate) train).",
        Defaults.TrainRate,
        "fraction",
        "0.8",
        v => v > 0 && v < 1,
        "a number strictly between 0 and 1,");
    private readonly EnumOption<ComputeDevice> _device = CommonOptions.Device();
    private readonly Option<int?> _threads = CommonOptions.OptionalPositiveInt("--threads", $"CPU threads for LibTorch. Default: all logical cores ({Environment.ProcessorCount} here).", "n");
    private readonly Option<long?> _seed = new("--seed")
    {
        Description = "Seed for the weight initialisation; with the same seed and options, CPU runs are bitwise reproducible. Default: a random seed, recorded in model.json.",
        HelpName = "n",
    };

    private readonly Option<string?> _output = CommonOptions.NonEmpty(new Option<string?>("--output", "-o")
    {
        Description = "Run folder for the model and reports. Default: a new folder runs/<yyyyMMdd-HHmmss> under the current folder; an existing non-empty folder is refused without --overwrite.",
        HelpName = "dir",
    });

    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Allow --output to be an existing, non-empty folder; the previous run's outputs in it are replaced, other files are kept." };
    private readonly Option<int?> _limit = CommonOptions.OptionalPositiveInt("--limit", "Use only the first N training images (quick runs).", "n");
    private readonly Option<string?> _resume = CommonOptions.NonEmpty(new Option<string?>("--resume")
    {
        Description = "Continue an interrupted run from its last completed epoch (its folder) with the run's own options; only --epochs (to train longer) and --data-dir (data moved) may be given with it.",
        HelpName = "run-dir",
    });

    private readonly Option<string?> _init = CommonOptions.NonEmpty(new Option<string?>("--init") { Description = "Start from the weights of this model file (model.dat or .safetensors, e.g. written by PyTorch) instead of a fresh initialisation; its architecture must be --arch.", HelpName = "file" });
    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public TrainCommand(TextWriter output, TextWriter error, CancellationToken cancellationToken)
        : base("train", "Train a network (the tutorial's LeNet and recipe by default) on Fashion-MNIST and write the model, history.csv, curves.png, samples.png and the test-set confusion matrix into a run folder.")
    {
        Options.Add(_dataDir);
        Options.Add(_arch);
        Options.Add(_epochs);
        Options.Add(_batchSize);
        Options.Add(_lr);
        Options.Add(_trainRate);
        Options.Add(_device);
        Options.Add(_threads);
        Options.Add(_seed);
        Options.Add(_output);
        Options.Add(_overwrite);
        Options.Add(_limit);
        Options.Add(_resume);
        Options.Add(_init);
        Options.Add(_verbose);
        Validators.Add(r =>
        {
            if (r.GetResult(_resume) is not { Implicit: false })
            {
                return;
            }

            var conflicting = Options.Except(ResumeCompatible).Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (conflicting.Count > 0)
            {
                r.AddError($"--resume continues with the run's own options; remove {string.Join(", ", conflicting)} (only --epochs and --data-dir may be given with --resume)");
            }
        });
        Action = new TrainAction(this, output, error, _verbose, cancellationToken);
    }

    /// <summary>The options that may be given with <c>--resume</c>; every other option conflicts with it.</summary>
    public IReadOnlyList<Option> ResumeCompatible => [_resume, _epochs, _dataDir, _verbose];

    /// <summary>Maps the parsed command line onto a request.</summary>
    public TrainRequest ToRequest(ParseResult parse) => new()
    {
        Config = new RunConfig
        {
            Architecture = parse.GetValue(_arch)!,
            Epochs = parse.GetValue(_epochs),
            BatchSize = parse.GetValue(_batchSize),
            LearningRate = parse.GetValue(_lr),
            TrainRate = parse.GetValue(_trainRate),
            Device = _device.Value(parse),
            Threads = parse.GetValue(_threads),
            Seed = parse.GetValue(_seed),
            Limit = parse.GetValue(_limit),
            Init = parse.GetValue(_init) is { } init ? Path.GetFullPath(init) : null,
        },
        DataDir = parse.GetValue(_dataDir),
        Output = parse.GetValue(_output),
        Overwrite = parse.GetValue(_overwrite),
        Resume = parse.GetValue(_resume),
        ResumeEpochs = parse.IsGiven(_epochs) ? parse.GetValue(_epochs) : null,
    };
}
