using System.Globalization;
using System.Text.Json;
using LeNetFashion.Models;
using LeNetFashion.Runtime;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// Everything that decides what a training run computes: the one configuration of a run. The command line
/// fills it; <see cref="TrainRun.Resolve"/> resolves it (seed drawn, device and threads chosen) before anything
/// runs, or reads it back from a checkpoint for <c>--resume</c>; the resolved configuration is written as-is into
/// <c>model.json</c> and <c>checkpoint/state.json</c> (key <c>options</c>, snake_case) and is the only source for
/// the console, the trainer and the reports. Defaults are the tutorial's (LeNet, 25 epochs, batch 64, 80/20 batch
/// split, Adam with learning rate 0.001). Files written before a field existed read back with its default.
/// <c>train --config FILE</c> reads the same schema (<see cref="Read"/>), and <see cref="Validate"/> holds every check of
/// single values and of values that depend on each other, so a configuration from any source gets the same checks.
/// </summary>
public sealed record RunConfig
{
    /// <summary>Data set name (see <see cref="Data.Datasets"/>): <c>fashion-mnist</c> or <c>mnist</c>.</summary>
    public string Dataset { get; init; } = Data.Datasets.FashionMnist.Name;

    /// <summary>Architecture name (see <see cref="Architectures"/>).</summary>
    public string Architecture { get; init; } = Architectures.Default.Name;

    /// <summary>Number of epochs, at least 1.</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>Samples per batch, at least 1; the last batch may be smaller.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Initial learning rate, positive and finite.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>Fraction of batches that train, strictly between 0 and 1; the rest validate.</summary>
    public double TrainRate { get; init; } = 0.8;

    /// <summary>Optimizer name (see <see cref="Optimizers"/>).</summary>
    public string Optimizer { get; init; } = Optimizers.Adam;

    /// <summary>SGD momentum factor (PyTorch's default 0); not used by Adam and AdamW.</summary>
    public double Momentum { get; init; }

    /// <summary>Weight decay; null = the optimizer's PyTorch default (0 for Adam and SGD, 0.01 for AdamW).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Label smoothing ε of the training loss, in [0, 1); 0 (the default) for none (see <see cref="Training.TrainerOptions"/>).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Learning-rate schedule name (see <see cref="LrSchedules"/>).</summary>
    public string LrSchedule { get; init; } = LrSchedules.None;

    /// <summary>StepLR: epochs between decays, at least 1.</summary>
    public int StepSize { get; init; } = 10;

    /// <summary>StepLR: factor applied at each decay (PyTorch's default 0.1).</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Early stopping: epochs without a higher validation accuracy that end the run, or null for none.</summary>
    public int? Patience { get; init; }

    /// <summary>Reshuffle the training part of the split every epoch (from <see cref="Seed"/>).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Random 2-pixel crop and horizontal flip on training batches.</summary>
    public bool Augment { get; init; }

    /// <summary>
    /// Test-time augmentation stored with the model (<see cref="Models.TestTimeAugmentation"/>: <c>none</c>, <c>flip</c>,
    /// <c>flip-shift</c>): the views eval, predict and the final validation and test scores average; the per-epoch
    /// validation scores one view.
    /// </summary>
    public string Tta { get; init; } = Models.TestTimeAugmentation.None;

    /// <summary>Standardise inputs with the mean and standard deviation of the training part of the split.</summary>
    public bool Normalize { get; init; }

    /// <summary>
    /// How activations lie in memory on the CPU (<see cref="Models.MemoryFormats"/>: <c>contiguous</c> or
    /// <c>channels-last</c>); null for the architecture's default (<see cref="Models.Architecture.DefaultMemoryFormat"/>).
    /// A run records the format it used, so that repeating or resuming it gives the same bits.
    /// </summary>
    public string? MemoryFormat { get; init; }

    /// <summary>Seed of the torch generator (weight initialisation); null before resolution = draw one.</summary>
    public long? Seed { get; init; }

    /// <summary>Model file whose weights start the training (<c>--init</c>, e.g. a <c>.safetensors</c> file; full path), or null for a fresh initialisation.</summary>
    public string? Init { get; init; }

    /// <summary>
    /// SHA-256 of <see cref="Init"/>'s file when the run started (64 hex digits), recorded so that <c>--config model.json</c>
    /// repeats the run only from the same weights: a file changed since (for example overwritten by that very run) is
    /// refused. Null without <see cref="Init"/>.
    /// </summary>
    public string? InitSha256 { get; init; }

    /// <summary>Only the first N training images are used, or null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Device; never <see cref="ComputeDevice.Auto"/> once resolved.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>LibTorch CPU threads; null before resolution = all logical cores.</summary>
    public int? Threads { get; init; }

    /// <summary>The optimizer's settings from this configuration.</summary>
    public OptimizerSettings OptimizerSettings() => new(LearningRate, Momentum, WeightDecay);

    /// <summary>The schedule's settings from this configuration.</summary>
    public LrScheduleSettings LrScheduleSettings() => new(Epochs, StepSize, Gamma);

    /// <summary>The trainer's batch options from this configuration (seed resolved).</summary>
    public TrainerOptions TrainerOptions() => new(Seed ?? 0, Shuffle, Augment, LabelSmoothing);

    /// <summary>Most LibTorch threads accepted: 256, or the number of logical cores where that is higher.</summary>
    public static int MaxThreads => Math.Max(256, Environment.ProcessorCount);

    /// <summary>
    /// Checks every value and every combination; each message is one line naming the setting as the command line does
    /// (<c>--lr</c>) and, where it differs, as a configuration file does (<c>learning_rate</c>).
    /// </summary>
    /// <exception cref="UsageException">The first invalid value or combination.</exception>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new UsageException(message);
            }
        }

        string V(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        Check(Data.Datasets.Names.Contains(Dataset, StringComparer.OrdinalIgnoreCase) || Dataset == Data.FolderDataset.Name,
            $"--dataset {Dataset}: expected one of {string.Join(", ", [.. Data.Datasets.Names, Data.FolderDataset.Name])}");
        Check(Architectures.TryGet(Architecture, out _), $"--arch {Architecture}: expected one of {string.Join(", ", Architectures.Names)}");
        Check(Epochs >= 1, $"--epochs {Epochs}: expected a positive whole number");
        Check(BatchSize >= 1, $"--batch-size (batch_size) {BatchSize}: expected a positive whole number");
        Check(LabelSmoothing is >= 0 and < 1, $"--label-smoothing (label_smoothing) {V(LabelSmoothing)}: expected a number from 0 up to (not including) 1");
        Check(double.IsFinite(LearningRate) && LearningRate > 0, $"--lr (learning_rate) {V(LearningRate)}: expected a positive finite number");
        Check(!(LearningRate > 0) || (float)LearningRate >= float.Epsilon, $"--lr (learning_rate) {V(LearningRate)}: below float32's smallest positive number (1.4e-45), so the weights would never change");
        Check(TrainRate > 0 && TrainRate < 1, $"--train-rate (train_rate) {V(TrainRate)}: expected a number strictly between 0 and 1");
        Check(Optimizers.Names.Contains(Optimizer), $"--optimizer {Optimizer}: expected one of {string.Join(", ", Optimizers.Names)}");
        Check(Momentum >= 0 && Momentum < 1, $"--momentum {V(Momentum)}: expected a number from 0 to below 1");
        Check(Momentum == 0 || Optimizer == Optimizers.Sgd, "--momentum: only SGD has momentum; add --optimizer sgd (Adam and AdamW use their betas)");
        Check(WeightDecay is null || (double.IsFinite(WeightDecay.Value) && WeightDecay >= 0), $"--weight-decay (weight_decay) {V(WeightDecay ?? 0)}: expected a non-negative number");
        Check(MemoryFormat is null || Models.MemoryFormats.Names.Contains(MemoryFormat), $"--memory-format (memory_format) {MemoryFormat}: expected one of {string.Join(", ", Models.MemoryFormats.Names)}");
        Check(Models.TestTimeAugmentation.Names.Contains(Tta), $"--tta {Tta}: expected one of {string.Join(", ", Models.TestTimeAugmentation.Names)}");
        Check(LrSchedules.Names.Contains(LrSchedule), $"--lr-schedule (lr_schedule) {LrSchedule}: expected one of {string.Join(", ", LrSchedules.Names)}");
        Check(StepSize >= 1, $"--step-size (step_size) {StepSize}: expected a positive whole number");
        Check(Gamma > 0 && Gamma <= 1, $"--gamma {V(Gamma)}: expected a number above 0 and at most 1");
        var defaults = new RunConfig();
        var stepOptions = new[] { (StepSize != defaults.StepSize, "--step-size"), (Gamma != defaults.Gamma, "--gamma") }.Where(o => o.Item1).Select(o => o.Item2).ToList();
        Check(stepOptions.Count == 0 || LrSchedule == LrSchedules.Step,
            $"{string.Join(" and ", stepOptions)}: only the step schedule uses {(stepOptions.Count == 1 ? "it" : "them")}; add --lr-schedule step");
        Check(Patience is null or >= 1, $"--patience {Patience}: expected a positive whole number");
        Check(Limit is null or >= 1, $"--limit {Limit}: expected a positive whole number");
        Check(Threads is null || (Threads >= 1 && Threads <= MaxThreads), $"--threads {Threads}: expected 1 to {MaxThreads}");
        Check(Seed is null or >= 0, $"--seed {Seed}: expected a non-negative whole number");
        Check(Enum.IsDefined(Device), $"--device {Device}: expected auto, cpu or cuda");
    }

    /// <summary>
    /// Reads a configuration file: a JSON object with the keys of <c>model.json</c>'s <c>options</c> block (snake_case;
    /// any subset, the rest take their defaults), or a whole <c>model.json</c>, whose <c>options</c> are taken. Unknown
    /// keys are refused, so a misspelt setting is never silently ignored.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration, not yet validated (command-line options may still override it).</returns>
    /// <exception cref="UsageException">Missing or unreadable file, invalid JSON, an unknown key or a value of the wrong type; one line naming the file.</exception>
    public static RunConfig Read(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path) || !info.Exists)
            {
                throw new UsageException($"--config {path}: {(Directory.Exists(path) ? "is a folder" : "file not found")}; expected a JSON file with the options of model.json");
            }

            if (info.Length > MaxConfigBytes)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--config {path}: {info.Length:N0} bytes; a configuration is at most {MaxConfigBytes:N0} bytes"));
            }

            // Read no further than the limit: a device such as /dev/zero states no length and never ends.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            var buffer = new byte[MaxConfigBytes + 1];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read > MaxConfigBytes)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--config {path}: more than {MaxConfigBytes:N0} bytes (a device?); a configuration is a small JSON file"));
            }

            var bom = read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            text = System.Text.Encoding.UTF8.GetString(buffer, bom, read - bom);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--config {path}: cannot read the file ({e.Message})", e);
        }

        return Parse(text, $"--config {path}", path);
    }

    /// <summary>
    /// Reads a configuration from JSON text, as <see cref="Read"/> reads a file: the options of <c>model.json</c> (or a
    /// whole <c>model.json</c>), unknown and duplicate keys refused.
    /// </summary>
    /// <param name="text">The JSON text.</param>
    /// <param name="source">What the text is, for messages (<c>--config file</c>).</param>
    /// <param name="path">The file it came from, for the hint when it is a sweep spec; null when none.</param>
    /// <returns>The configuration, not yet validated.</returns>
    /// <exception cref="UsageException">Invalid JSON, an unknown key or a value of the wrong type; one line starting with <paramref name="source"/>.</exception>
    internal static RunConfig Parse(string text, string source, string? path)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"{source}: expected a JSON object with the options of model.json, found {root.ValueKind.ToString().ToLowerInvariant()}");
            }

            if (root.TryGetProperty("base", out _) && (root.TryGetProperty("grid", out _) || root.TryGetProperty("random", out _)))
            {
                throw new UsageException($"{source}: a sweep spec (\"base\" with \"grid\" or \"random\"), not a configuration; run it with: lenet-fashion sweep {path}");
            }

            var whole = root.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object;
            var config = (whole ? o : root).Deserialize<RunConfig>(ConfigJson)
                ?? throw new UsageException($"{source}: the options are null; expected a JSON object");
            return whole ? WithRecordedMemoryFormat(config) : config;
        }
        catch (JsonException e)
        {
            var what = Plain(e.Message.Split([" Path:", " LineNumber:"], StringSplitOptions.None)[0].TrimEnd('.', ' '));
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{source}: line {(e.LineNumber ?? 0) + 1}{(e.Path is { Length: > 1 } p ? $", {p}" : "")}: {what}"), e);
        }
    }

    /// <summary>
    /// <paramref name="recorded"/>, options a run recorded (in <c>model.json</c> or <c>checkpoint/state.json</c>), with the
    /// memory format it trained in: runs recorded before <c>--memory-format</c> existed have no <c>memory_format</c> and
    /// trained every network in contiguous memory, so repeating or resuming them uses that, not today's default.
    /// </summary>
    /// <param name="recorded">Options read from a run's file.</param>
    /// <returns>The same options with <see cref="MemoryFormat"/> set.</returns>
    public static RunConfig WithRecordedMemoryFormat(RunConfig recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded.MemoryFormat is null ? recorded with { MemoryFormat = Models.MemoryFormats.Contiguous } : recorded;
    }

    /// <summary>System.Text.Json's message with the .NET type names a user does not know put as the value expected.</summary>
    private static string Plain(string message) => message
        .Replace("System.Int32", "a whole number", StringComparison.Ordinal)
        .Replace("System.Int64", "a whole number", StringComparison.Ordinal)
        .Replace("System.Double", "a number", StringComparison.Ordinal)
        .Replace("System.Boolean", "true or false", StringComparison.Ordinal)
        .Replace("System.String", "a string", StringComparison.Ordinal)
        .Replace("LeNetFashion.Runtime.ComputeDevice", "auto, cpu or cuda", StringComparison.Ordinal)
        .Replace("LeNetFashion.Runs.RunConfig", "the options of model.json", StringComparison.Ordinal)
        .Replace(" could not be mapped to any .NET member contained in type the options of model.json", " is not a setting (see the options of model.json)", StringComparison.Ordinal)
        .Replace(" could not be mapped to any .NET member contained in type 'the options of model.json'", " is not a setting (see the options of model.json)", StringComparison.Ordinal)
        .Replace("System.Nullable`1[a whole number]", "a whole number or null", StringComparison.Ordinal)
        .Replace("System.Nullable`1[a number]", "a number or null", StringComparison.Ordinal);

    /// <summary>Largest configuration file read, in bytes.</summary>
    public const long MaxConfigBytes = 1 << 20;

    private static readonly JsonSerializerOptions ConfigJson = new(Runs.ModelStore.JsonOptions)
    {
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
