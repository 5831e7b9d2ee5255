using System.Globalization;
using System.Security.Cryptography;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runtime;
using LeNetFashion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Runs;

/// <summary>
/// The <c>train</c> verb: resolves the run's configuration, loads the data, trains, keeps the best weights,
/// evaluates on the test set and writes every report into the run folder. A checkpoint of the last completed epoch
/// is kept in <c>checkpoint/</c> so an interrupted run can be resumed (<see cref="TrainRequest.Resume"/>).
/// </summary>
public static class TrainRun
{
    private const int SampleGridRows = 4;
    private const int SampleGridColumns = 16;

    /// <summary>
    /// Resolves a request into the run's one configuration before anything runs: for a resume, the run's own
    /// configuration from its checkpoint (only the epochs and the data folder may change); otherwise the command
    /// line's, with the seed drawn when not given, the device chosen and the thread count fixed.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid option values, an unknown architecture, no CUDA for <c>--device cuda</c>,
    /// fewer epochs than a resumed run has completed, or no checkpoint to resume.</exception>
    /// <exception cref="IOException">An unreadable checkpoint.</exception>
    /// <exception cref="DataFormatException">No data folder with the training and test files.</exception>
    public static ResolvedRun Resolve(TrainRequest request)
    {
        CheckpointState? resumed = null;
        RunConfig config;
        string? dataDir;
        if (request.Resume is { } resumeDir)
        {
            resumed = Checkpoint.ReadState(resumeDir);
            if (request.ResumeEpochs is { } epochs && epochs <= resumed.EpochsCompleted)
            {
                throw new ArgumentException(
                    $"--epochs {epochs}: the run in {resumeDir} has already completed {resumed.EpochsCompleted} epoch(s); give more epochs to continue it");
            }

            config = resumed.Options with { Epochs = request.ResumeEpochs ?? resumed.Options.Epochs };
            dataDir = request.DataDir ?? resumed.DataDir;
        }
        else
        {
            config = request.Config;
            dataDir = request.DataDir;
        }

        Architectures.Get(config.Architecture);
        var dataset = Datasets.Get(config.Dataset);
        var resolvedDataDir = DataLocator.Resolve(dataDir, dataset, DatasetPart.Train);
        DataLocator.Resolve(resolvedDataDir, dataset, DatasetPart.Test);
        config = config with
        {
            Device = TorchRuntime.KindOf(TorchRuntime.SelectDevice(config.Device)),
            Threads = config.Threads ?? Environment.ProcessorCount,
            Seed = config.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue),
        };
        return new ResolvedRun(config, resolvedDataDir, resumed, request.Resume);
    }

    /// <summary>Runs training as <paramref name="request"/> asks.</summary>
    /// <param name="request">What to train, or which run to resume.</param>
    /// <param name="reporter">Receives information lines and, as the last callback, training progress.</param>
    /// <param name="cancellationToken">Ctrl+C: stop after the current batch, write what is complete.</param>
    /// <returns>The run folder, configuration, history, best epoch and test results.</returns>
    /// <exception cref="DataFormatException">Data missing or damaged.</exception>
    /// <exception cref="ArgumentException">Invalid option values (one-line message naming the option).</exception>
    /// <exception cref="IOException">The run folder cannot be written.</exception>
    public static TrainRunResult Execute(TrainRequest request, RunReporter reporter, CancellationToken cancellationToken = default)
    {
        var (config, dataDir, resumed, resumeDir) = Resolve(request);
        var architecture = Architectures.Get(config.Architecture);
        var dataset = Datasets.Get(config.Dataset);
        var device = TorchRuntime.SelectDevice(config.Device);

        // Every input is checked before the run folder is created and before any training: damaged data
        // (the test files included) or a batch size the data cannot fill fail in seconds, not after the last epoch.
        var trainSet = DatasetLoader.Load(dataDir, dataset, DatasetPart.Train, config.Limit);
        var testSet = DatasetLoader.Load(dataDir, dataset, DatasetPart.Test);
        CheckBatchSize(config.BatchSize, trainSet.Count, config.Limit);
        var split = BatchSplit.Create(trainSet.Count, config.BatchSize, config.TrainRate);
        var preprocessing = config.Normalize
            ? Preprocessing.Standardize(trainSet.Pixels.AsSpan(0, split.TrainSamples * trainSet.Height * trainSet.Width))
            : Preprocessing.ToTensor;
        using var init = resumed is null && config.Init is { } initPath ? LoadInit(initPath, config.Architecture) : null;

        using var folder = resumeDir is null ? RunFolder.CreateForTraining(request.Output, request.Overwrite) : RunFolder.OpenForResume(resumeDir);
        TorchRuntime.SetThreads(config.Threads);
        torch.manual_seed(config.Seed!.Value);

        using var train = TensorData.FromDataset(trainSet, device);
        using var classifier = Classifier.Create(architecture, dataset.ClassNames, preprocessing);
        if (init is not null)
        {
            classifier.Model.load_state_dict(init.Model.state_dict());
        }

        classifier.Model.to(device);
        var parameterCount = classifier.Model.parameters().Sum(p => p.numel());

        reporter.Info(string.Create(CultureInfo.InvariantCulture, $"Device: {Name(config.Device)}, threads: {config.Threads}, seed: {config.Seed}"));
        reporter.Info($"Data: {dataset.DisplayName} in {dataDir}");
        foreach (var note in DatasetVerifier.Notes(trainSet).Concat(DatasetVerifier.Notes(testSet)))
        {
            reporter.Info(note);
        }

        if (preprocessing.Mean is { } mean)
        {
            reporter.Info(string.Create(CultureInfo.InvariantCulture, $"Normalize: mean {mean:F4}, std {preprocessing.Std:F4} (the split's {split.TrainSamples:N0} training images)"));
        }

        reporter.Info(string.Create(CultureInfo.InvariantCulture,
            $"Split: {split.SampleCount:N0} training images in {split.BatchCount:N0} batches of {split.BatchSize:N0}: {split.TrainBatches:N0} batches ({split.TrainSamples:N0} images) train, {split.ValidationBatches:N0} batches ({split.ValidationSamples:N0} images) validate"));
        reporter.Info(string.Create(CultureInfo.InvariantCulture,
            $"Model: {config.Architecture}, {parameterCount:N0} parameters; {Optimizers.DisplayName(config.Optimizer)}, learning rate {config.LearningRate}{ScheduleText(config.LrSchedule)}, {config.Epochs:N0} epoch{(config.Epochs == 1 ? "" : "s")}{TrainingExtras(config)}"));
        reporter.Info($"Output: {folder.Path}");

        folder.Write(RunFiles.Samples, path => WriteSamples(path, trainSet, dataset.ClassNames));
        using var optimizer = Optimizers.Create(config.Optimizer, classifier.Model.parameters(), config.OptimizerSettings());
        var scheduler = LrSchedules.Create(config.LrSchedule, optimizer, config.LrScheduleSettings());
        using var best = new BestWeights();
        var checkpoint = new Checkpoint(folder.Path);
        List<TrainerCallback> callbacks = [best, new CheckpointCallback(folder, checkpoint, best, config, dataDir)];
        if (config.Patience is { } patience)
        {
            callbacks.Add(new EarlyStopping(patience));
        }

        var clock = new FirstBatchClock();
        callbacks.Add(clock);
        callbacks.Add(reporter);
        var trainer = new Trainer(classifier, train, split, config.Epochs, optimizer, scheduler, callbacks, config.TrainerOptions());
        if (resumed is not null)
        {
            var history = checkpoint.ReadHistory();
            if (history.Count != resumed.EpochsCompleted)
            {
                throw new IOException($"{folder.PathOf(RunFiles.History)}: {history.Count} epochs, but the checkpoint says {resumed.EpochsCompleted}; the run folder is inconsistent");
            }

            trainer.Restore(history);
            var scheduledRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToList();
            checkpoint.Load(architecture, classifier.Model, optimizer, out var bestWeights);

            // The optimizer state holds the learning rate of the schedule the checkpoint was written under. With more
            // --epochs a cosine schedule is longer, so the rate must come from the schedule replayed over the new length
            // (Restore); otherwise a run whose cosine had reached 0 would go on at 0. Unchanged runs get the same value.
            foreach (var (group, rate) in optimizer.ParamGroups.Zip(scheduledRates))
            {
                group.LearningRate = rate;
            }

            if (scheduler is not null && config.LrSchedule == LrSchedules.Cosine && config.Epochs != resumed.Options.Epochs)
            {
                reporter.Info(string.Create(CultureInfo.InvariantCulture,
                    $"note: the cosine schedule now spans {config.Epochs} epochs instead of {resumed.Options.Epochs}; epoch {history.Count} continues at learning rate {scheduledRates[0]:G6}"));
            }

            best.Restore(history, resumed.BestEpoch, bestWeights);
            folder.Record(RunFiles.History);
            reporter.Info($"Resuming after epoch {history.Count - 1} (best so far: epoch {resumed.BestEpoch})");
        }

        var result = trainer.Fit(cancellationToken);
        if (result.History.Count > 0)
        {
            folder.Write(RunFiles.Curves, path => Plots.SaveCurves(path, result.History));
        }

        var metadata = new ModelMetadata
        {
            Architecture = config.Architecture,
            ClassNames = classifier.ClassNames,
            InputShape = architecture.InputShape,
            Preprocessing = classifier.Preprocessing,
            Options = config,
            BestEpoch = best.Epoch,
            ValAccuracy = best.Epoch is null ? null : best.ValAcc,
            EpochsCompleted = result.History.Count,
            DataDir = dataDir,
            Dataset = dataset.Name,
            Data = [.. DatasetVerifier.Provenance(trainSet), .. DatasetVerifier.Provenance(testSet)],
            Versions = TorchRuntime.Versions(),
            CreatedUtc = DateTimeOffset.UtcNow,
        };

        var outcome = new TrainRunResult(folder.Path, config, result, best.Epoch, best.ValAcc, null, null, folder.Written);
        if (best.Epoch is null)
        {
            return outcome;
        }

        folder.Write(RunFiles.Model, path => ModelStore.Save(path, classifier, metadata));
        folder.Record(RunFiles.ModelJson);
        if (result.Outcome != TrainingOutcome.Completed)
        {
            return outcome with { Files = folder.Written };
        }

        using var testData = TensorData.FromDataset(testSet, device);
        var testWatch = System.Diagnostics.Stopwatch.StartNew();
        var predictions = Evaluator.Predict(classifier, testData, 0, testData.Count, Evaluator.DefaultBatchSize);
        testWatch.Stop();
        metadata = metadata with { Timing = new RunTiming(clock.Seconds, testWatch.Elapsed.TotalSeconds, testData.Count, RunTiming.PeakResidentBytesNow()) };
        var confusion = ConfusionMatrix.FromPredictions(classifier.ClassNames, predictions.Labels, predictions.Predictions);
        folder.Write(RunFiles.ConfusionCsv, path => ConfusionMatrixCsv.Write(path, confusion));
        folder.Write(RunFiles.ConfusionPng, path => Plots.SaveConfusionMatrix(path, confusion, normalized: false, string.Create(CultureInfo.InvariantCulture, $"test set ({confusion.Total:N0} images)")));
        ModelStore.SaveMetadata(folder.PathOf(RunFiles.Model), metadata with { TestAccuracy = confusion.Accuracy });
        folder.Write(RunFiles.Report, path => HtmlReport.Write(path, folder.Path, "Training run", metadata with { TestAccuracy = confusion.Accuracy }, ClassificationReport.FromConfusionMatrix(confusion)));
        return outcome with { TestAccuracy = confusion.Accuracy, Confusion = confusion, Files = folder.Written };
    }

    /// <summary>Loads the <c>--init</c> model and checks that it is a model of <c>--arch</c>.</summary>
    /// <exception cref="ModelFileException">The file cannot be read, or holds another architecture (the line says which <c>--arch</c> to add).</exception>
    private static Classifier LoadInit(string path, string architecture)
    {
        var classifier = ModelStore.Load(path).Classifier;
        if (classifier.Architecture.Name != architecture)
        {
            var found = classifier.Architecture.Name;
            classifier.Dispose();
            throw new ModelFileException($"--init {path}: a model of architecture '{found}', but --arch is '{architecture}'; add --arch {found} to start from it");
        }

        return classifier;
    }

    /// <summary>Notes the seconds from process start to the start of the first training batch of this invocation.</summary>
    private sealed class FirstBatchClock : TrainerCallback
    {
        /// <summary>Seconds from process start to <see cref="OnTrainStart"/> when an epoch is left to run, else null.</summary>
        public double? Seconds { get; private set; }

        /// <inheritdoc/>
        public override void OnTrainStart(Trainer trainer)
        {
            if (trainer.History.Count < trainer.Epochs)
            {
                Seconds ??= RunTiming.SecondsSinceProcessStart();
            }
        }
    }

    /// <summary>Lower-case device name for messages and JSON: <c>cpu</c> or <c>cuda</c>.</summary>
    private static string Name(ComputeDevice device) => device.ToString().ToLowerInvariant();

    private static string ScheduleText(string schedule) => schedule == LrSchedules.None ? "" : $" ({schedule} schedule)";

    private static string TrainingExtras(RunConfig c)
    {
        var extras = new List<string>();
        if (c.Shuffle)
        {
            extras.Add("shuffled");
        }

        if (c.Augment)
        {
            extras.Add("augmented");
        }

        if (c.Patience is { } p)
        {
            extras.Add(string.Create(CultureInfo.InvariantCulture, $"early stopping after {p} epoch{(p == 1 ? "" : "s")} without improvement"));
        }

        return extras.Count == 0 ? "" : "; " + string.Join(", ", extras);
    }

    /// <summary>
    /// Refuses a batch size that the training images cannot fill more than once: one batch can neither train and
    /// validate, and the batch-split message alone ("leaves no validation batch") does not say that the batch is the cause.
    /// </summary>
    /// <exception cref="ArgumentException">The batch size is at least the number of training images.</exception>
    private static void CheckBatchSize(int batchSize, int imageCount, int? limit)
    {
        if (batchSize >= imageCount)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"--batch-size {batchSize}: {(batchSize > imageCount ? "larger than" : "as large as")} the {imageCount:N0} training images{(limit is null ? "" : $" (--limit {limit})")}, so they make a single batch and none is left to validate; use a smaller batch size"));
        }
    }

    private static void WriteSamples(string path, ImageDataset set, IReadOnlyList<string> classNames)
    {
        var n = Math.Min(SampleGridRows * SampleGridColumns, set.Count);
        var indices = Enumerable.Range(0, n).ToArray();
        var titles = indices.Select(i => classNames[set.Labels[i]]).ToArray();
        Plots.SaveImageGrid(path, set.Pixels, set.Height, set.Width, indices, titles, SampleGridRows, SampleGridColumns);
    }
}
