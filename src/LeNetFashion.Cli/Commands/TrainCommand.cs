using System.CommandLine;
using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Training;
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
    private readonly Option<string> _dataset = CommonOptions.OneOf("--dataset", "Data set: fashion-mnist (the tutorial's), mnist (handwritten digits; see scripts/get-data.sh --dataset mnist) or folder (your own pictures: --data-dir with one sub-folder per class; chosen by itself when --data-dir is laid out so).", [.. Datasets.Names, FolderDataset.Name], Defaults.Dataset);
    private readonly Option<string?> _testDir = CommonOptions.NonEmpty(new Option<string?>("--test-dir")
    {
        Description = "Test pictures of a folder data set: one sub-folder per class, as in --data-dir. Default: <data-dir>/test when --data-dir holds train/ and test/.",
        HelpName = "dir",
    });

    private readonly Option<string?> _config = CommonOptions.NonEmpty(new Option<string?>("--config")
    {
        Description = "Read the run's settings from a JSON file: the keys of model.json's \"options\" (snake_case, any subset), or a whole model.json to repeat that run; options given on the command line override the file.",
        HelpName = "file",
    });
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
    private readonly Option<string> _optimizer = CommonOptions.OneOf("--optimizer", "Optimizer, with PyTorch's defaults: adam (the tutorial's), adamw (decoupled weight decay) or sgd.", Optimizers.Names, Defaults.Optimizer);
    private readonly Option<double> _momentum = CommonOptions.Number(
        "--momentum", "SGD momentum factor (PyTorch's default 0); only with --optimizer sgd.", Defaults.Momentum, "m", "0.9", v => v >= 0 && v < 1, "a number from 0 to below 1,");
    private readonly Option<double> _weightDecay = CommonOptions.Number(
        "--weight-decay", "Weight decay: L2 penalty for adam and sgd, decoupled for adamw. Default: PyTorch's, 0 for adam and sgd, 0.01 for adamw.", null, "λ", "0.01", v => double.IsFinite(v) && v >= 0, "a non-negative number");
    private readonly Option<double> _labelSmoothing = CommonOptions.Number(
        "--label-smoothing", "Label smoothing ε of the training loss (PyTorch's cross_entropy(label_smoothing=ε)): the target is 1 − ε on the true class plus ε / K on every class; the validation loss stays plain cross-entropy.", 0, "ε", "0.1", v => v is >= 0 and < 1, "a number from 0 up to (not including) 1");
    private readonly Option<string> _lrSchedule = CommonOptions.OneOf("--lr-schedule", "Learning-rate schedule, stepped once per epoch: none, step (× --gamma every --step-size epochs) or cosine (cosine annealing to 0 over the run's epochs).", LrSchedules.Names, Defaults.LrSchedule);
    private readonly Option<int> _stepSize = CommonOptions.PositiveInt("--step-size", "With --lr-schedule step: epochs between decays.", Defaults.StepSize, "n");
    private readonly Option<double> _gamma = CommonOptions.Number(
        "--gamma", "With --lr-schedule step: factor applied at each decay.", Defaults.Gamma, "factor", "0.1", v => v > 0 && v <= 1, "a number above 0 and at most 1,");
    private readonly Option<int?> _patience = CommonOptions.OptionalPositiveInt("--patience", "Early stopping: end the run when validation accuracy has not improved for this many epochs; the best epoch's weights are kept and the test evaluation runs.", "n");
    private readonly Option<bool> _shuffle = new("--shuffle") { Description = "Reshuffle the training samples every epoch (from --seed); the validation samples stay the batch split's." };
    private readonly Option<bool> _augment = new("--augment") { Description = "Augment training batches: random crop with 2-pixel padding and random horizontal flip, per image." };
    private readonly Option<bool> _normalize = new("--normalize") { Description = "Standardise inputs with the mean and standard deviation of the split's training images; stored with the model and applied wherever it is used." };
    private readonly Option<string> _tta = CommonOptions.OneOf(
        "--tta",
        "Test-time augmentation, stored with the model: score each picture as several views and average their probabilities: flip (the picture and its mirror image) or flip-shift (both at their place and shifted one pixel up, down, left and right: 10 views). eval, predict and the final validation and test accuracy use it; the per-epoch validation that picks the best epoch scores one view.",
        TestTimeAugmentation.Names,
        TestTimeAugmentation.None);
    private readonly Option<string?> _memoryFormat = CommonOptions.OptionalOneOf(
        "--memory-format",
        "How activations lie in memory on the CPU: contiguous (PyTorch's default) or channels-last (torch.channels_last: faster for networks with tens of channels). Default: the architecture's (channels-last for bn-cnn, contiguous for lenet and lenet5). Stored with the run; results differ from the other format in the last bits.",
        MemoryFormats.Names);
    private readonly EnumOption<ComputeDevice> _device = CommonOptions.Device();
    private readonly Option<int?> _threads = CommonOptions.OptionalPositiveInt(
        "--threads", $"CPU threads for LibTorch, at most {MaxThreads}. Default: all logical cores ({Environment.ProcessorCount} here).", "n",
        MaxThreads, $" (this machine has {Environment.ProcessorCount} logical cores)");

    // LibTorch starts one OpenMP thread per requested thread; 100,000 exhausted the machine's processes (new-user check).
    private static readonly int MaxThreads = RunConfig.MaxThreads;
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
        Description = "Continue an interrupted run from its last completed epoch (its folder) with the run's own options; only --epochs (to train longer), --data-dir and --test-dir (data moved; their SHA-256s must match the run's unless --allow-changed-data), --kernels, --allow-changed-data and --no-tensorboard may be given with it.",
        HelpName = "run-dir",
    });

    private readonly Option<bool> _allowChangedData = new("--allow-changed-data") { Description = "With --resume: continue even when the data's SHA-256s differ from those the run's checkpoint recorded (by default such a resume is refused)." };
    private readonly Option<bool> _noTensorBoard = new("--no-tensorboard") { Description = "Do not write TensorBoard event files (by default into the run's tensorboard/ folder: tensorboard --logdir runs)." };
    private readonly Option<string?> _init = CommonOptions.NonEmpty(new Option<string?>("--init") { Description = "Start from the weights of this model file (model.dat or .safetensors, e.g. written by PyTorch) instead of a fresh initialisation; its architecture must be --arch.", HelpName = "file" });
    private readonly Option<bool> _verbose = CommonOptions.Verbose();
    private readonly Option<string?> _kernels = new("--kernels")
    {
        Description = $"managed (default): the tool's faster 2 × 2 max pooling and flat-buffer Adam; libtorch: TorchSharp's and LibTorch's own. Both give bitwise the same run. Default: ${Kernels.EnvironmentVariable}, else managed.",
        HelpName = "managed|libtorch",
        CustomParser = r => CommonOptions.Choice(r, "--kernels", Kernels.Names),
    };

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public TrainCommand(TextWriter output, TextWriter error, CancellationToken cancellationToken)
        : base("train", "Train a network (the tutorial's LeNet and recipe by default) on Fashion-MNIST and write the model, history.csv, curves.png, samples.png and the test-set confusion matrix into a run folder.")
    {
        Options.Add(_config);
        Options.Add(_dataDir);
        Options.Add(_testDir);
        Options.Add(_dataset);
        Options.Add(_arch);
        Options.Add(_epochs);
        Options.Add(_batchSize);
        Options.Add(_lr);
        Options.Add(_trainRate);
        Options.Add(_optimizer);
        Options.Add(_momentum);
        Options.Add(_weightDecay);
        Options.Add(_labelSmoothing);
        Options.Add(_lrSchedule);
        Options.Add(_stepSize);
        Options.Add(_gamma);
        Options.Add(_patience);
        Options.Add(_shuffle);
        Options.Add(_augment);
        Options.Add(_normalize);
        Options.Add(_tta);
        Options.Add(_memoryFormat);
        Options.Add(_device);
        Options.Add(_threads);
        Options.Add(_seed);
        Options.Add(_output);
        Options.Add(_overwrite);
        Options.Add(_limit);
        Options.Add(_resume);
        Options.Add(_allowChangedData);
        Options.Add(_noTensorBoard);
        Options.Add(_init);
        Options.Add(_kernels);
        Options.Add(_verbose);
        Validators.Add(r =>
        {
            // Checks that span options (momentum only with SGD, step settings only with the step schedule) are the
            // library's (RunConfig.Validate), so that a --config file gets them too.
            if (r.GetResult(_resume) is not { Implicit: false })
            {
                if (r.GetResult(_allowChangedData) is { Implicit: false })
                {
                    r.AddError("--allow-changed-data only applies with --resume (a new run records the data it reads)");
                }

                return;
            }

            var conflicting = Options.Except(ResumeCompatible).Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (conflicting.Count > 0)
            {
                r.AddError($"--resume continues with the run's own options; remove {string.Join(", ", conflicting)} (only {Allowed()} may be given with --resume)");
            }
        });
        Action = new TrainAction(this, output, error, _verbose, cancellationToken);
    }

    /// <summary>"--epochs, --data-dir, --test-dir and --kernels": the options a resumed run takes, for messages.</summary>
    private string Allowed()
    {
        var names = ResumeCompatible.Where(o => o != _resume && o != _verbose).Select(o => o.Name).ToList();
        return $"{string.Join(", ", names[..^1])} and {names[^1]}";
    }

    /// <summary>The options that may be given with <c>--resume</c>; every other option conflicts with it.</summary>
    public IReadOnlyList<Option> ResumeCompatible => [_resume, _epochs, _dataDir, _testDir, _kernels, _allowChangedData, _noTensorBoard, _verbose];

    /// <summary>
    /// Maps the parsed command line onto a request: the <c>--config</c> file's settings (or the defaults), overridden by
    /// every option given on the command line.
    /// </summary>
    /// <exception cref="ArgumentException">The configuration file cannot be read or holds unknown keys.</exception>
    public TrainRequest ToRequest(ParseResult parse)
    {
        if (parse.GetValue(_kernels) is { } kernels)
        {
            Kernels.Set(kernels, $"--kernels {kernels}");
        }

        var file = parse.GetValue(_config);
        var c = file is null ? new RunConfig() : RunConfig.Read(file);
        T Given<T>(Option<T> option, T current) => parse.IsGiven(option) ? parse.GetValue(option)! : current;
        c = c with
        {
            Dataset = Given(_dataset, c.Dataset),
            Architecture = Given(_arch, c.Architecture),
            Epochs = Given(_epochs, c.Epochs),
            BatchSize = Given(_batchSize, c.BatchSize),
            LearningRate = Given(_lr, c.LearningRate),
            TrainRate = Given(_trainRate, c.TrainRate),
            Optimizer = Given(_optimizer, c.Optimizer),
            Momentum = Given(_momentum, c.Momentum),
            WeightDecay = parse.IsGiven(_weightDecay) ? parse.GetValue(_weightDecay) : c.WeightDecay,
            LabelSmoothing = Given(_labelSmoothing, c.LabelSmoothing),
            LrSchedule = Given(_lrSchedule, c.LrSchedule),
            StepSize = Given(_stepSize, c.StepSize),
            Gamma = Given(_gamma, c.Gamma),
            Patience = Given(_patience, c.Patience),
            Shuffle = Given(_shuffle, c.Shuffle),
            Augment = Given(_augment, c.Augment),
            Normalize = Given(_normalize, c.Normalize),
            Tta = Given(_tta, c.Tta),
            MemoryFormat = Given(_memoryFormat, c.MemoryFormat),
            Device = parse.IsGiven(_device) ? _device.Value(parse) : c.Device,
            Threads = Given(_threads, c.Threads),
            Seed = Given(_seed, c.Seed),
            Limit = Given(_limit, c.Limit),
            Init = parse.GetValue(_init) is { } init ? Path.GetFullPath(init) : c.Init,
        };
        if (file is not null)
        {
            // Values from the file get the library's checks here, so that the line names the file.
            try
            {
                c.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--config {file}: {e.Message}", e);
            }
        }

        return new TrainRequest
        {
            Config = c,
            DataDir = parse.GetValue(_dataDir),
            TestDir = parse.GetValue(_testDir),
            Output = parse.GetValue(_output),
            Overwrite = parse.GetValue(_overwrite),
            Resume = parse.GetValue(_resume),
            ResumeEpochs = parse.IsGiven(_epochs) ? parse.GetValue(_epochs) : null,
            AllowChangedData = parse.GetValue(_allowChangedData),
            TensorBoard = !parse.GetValue(_noTensorBoard),
        };
    }
}
