using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.IO;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runtime;
using LeNetFashion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Runs;

/// <summary>
/// The <c>train</c> verb: loads the data, trains, keeps the best weights, evaluates on the test set and
/// writes every report into the run folder. A checkpoint of the last completed epoch is kept in
/// <c>checkpoint/</c> so an interrupted run can be resumed (<see cref="TrainRunOptions.Resume"/>).
/// </summary>
public static class TrainRun
{
    private const int SampleGridRows = 4;
    private const int SampleGridColumns = 16;

    /// <summary>Runs training with <paramref name="options"/>.</summary>
    /// <param name="options">Parsed options.</param>
    /// <param name="reporter">Receives progress and messages.</param>
    /// <param name="cancellationToken">Ctrl+C: stop after the current batch, write what is complete.</param>
    /// <returns>The run folder, history and test results.</returns>
    /// <exception cref="DataFormatException">Data missing or damaged.</exception>
    /// <exception cref="ArgumentException">Invalid option values (one-line message naming the option).</exception>
    /// <exception cref="IOException">The run folder cannot be written.</exception>
    public static TrainRunResult Execute(TrainRunOptions options, IRunReporter reporter, CancellationToken cancellationToken = default)
    {
        CheckpointState? resumed = null;
        if (options.Resume is { } resumeDir)
        {
            resumed = Checkpoint.ReadState(resumeDir);
            options = resumed.ToOptions(resumeDir, options);
        }

        var dataDir = DataLocator.Resolve(options.DataDir ?? resumed?.DataDir, DatasetPart.Train);
        DataLocator.Resolve(dataDir, DatasetPart.Test);
        var device = TorchRuntime.SelectDevice(options.Device);

        // Every input is checked before the run folder is created and before any training: damaged data
        // (the test files included) or a batch size the data cannot fill fail in seconds, not after the last epoch.
        var trainSet = FashionMnist.Load(dataDir, DatasetPart.Train, options.Limit);
        var testSet = FashionMnist.Load(dataDir, DatasetPart.Test);
        CheckBatchSize(options.Training.BatchSize, trainSet.Count, options.Limit);
        var split = BatchSplit.Create(trainSet.Count, options.Training.BatchSize, options.Training.TrainRate);

        var outputDir = resumed is null ? PrepareOutput(options.Output, options.Overwrite) : Path.GetFullPath(options.Resume!);
        using var runLock = LockRunFolder(outputDir);
        if (resumed is null && options.Overwrite)
        {
            RemovePreviousOutputs(outputDir);
        }
        var threads = TorchRuntime.SetThreads(options.Threads);
        var seed = options.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        torch.manual_seed(seed);

        using var train = TensorData.FromDataset(trainSet, device);
        using var model = ModelFactory.Create(options.Architecture);
        model.to(device);
        var parameterCount = model.parameters().Sum(p => p.numel());
        var runOptions = new RunOptionsRecord(
            options.Training.Epochs, options.Training.BatchSize, options.Training.LearningRate, options.Training.TrainRate,
            seed, options.Limit, device.type == DeviceType.CUDA ? "cuda" : "cpu", threads);

        reporter.Info($"Device: {runOptions.Device}, threads: {threads}, seed: {seed}");
        reporter.Info($"Data: {dataDir}");
        reporter.Info(string.Create(CultureInfo.InvariantCulture,
            $"Split: {split.SampleCount:N0} training images in {split.BatchCount:N0} batches of {split.BatchSize:N0}: {split.TrainBatches:N0} batches ({split.TrainSamples:N0} images) train, {split.ValidationBatches:N0} batches ({split.ValidationSamples:N0} images) validate"));
        reporter.Info(string.Create(CultureInfo.InvariantCulture, $"Model: {options.Architecture}, {parameterCount:N0} parameters; Adam, learning rate {options.Training.LearningRate}, {options.Training.Epochs:N0} epoch{(options.Training.Epochs == 1 ? "" : "s")}"));
        reporter.Info($"Output: {outputDir}");

        WriteSamples(Path.Combine(outputDir, RunFiles.Samples), trainSet);
        var trainer = new Trainer(model, train, options.Training);
        var checkpoint = new Checkpoint(outputDir);
        if (resumed is not null)
        {
            var history = checkpoint.Load(options.Architecture, model, trainer.Optimizer, out var best);
            if (history.Count != resumed.EpochsCompleted)
            {
                throw new IOException($"{Path.Combine(outputDir, RunFiles.History)}: {history.Count} epochs, but the checkpoint says {resumed.EpochsCompleted}; the run folder is inconsistent");
            }

            trainer.Restore(history, resumed.BestEpoch, best);
            reporter.Info($"Resuming after epoch {history.Count - 1} (best so far: epoch {resumed.BestEpoch})");
        }

        var state = new CheckpointState(options.Architecture, runOptions, dataDir, 0, null);
        var result = trainer.Fit(
            reporter,
            t =>
            {
                HistoryCsv.Write(Path.Combine(outputDir, RunFiles.History), t.History);
                checkpoint.Save(model, t.Optimizer, t.BestStateDict, state with { EpochsCompleted = t.History.Count, BestEpoch = t.BestEpoch });
            },
            cancellationToken);

        if (result.History.Count > 0)
        {
            Plots.SaveCurves(Path.Combine(outputDir, RunFiles.Curves), result.History);
        }

        var metadata = new ModelMetadata
        {
            Architecture = options.Architecture,
            ClassNames = FashionMnist.ClassNames,
            InputShape = ModelFactory.InputShape(options.Architecture),
            Options = runOptions,
            BestEpoch = result.BestEpoch,
            ValAccuracy = result.BestEpoch is null ? null : result.BestValAcc,
            EpochsCompleted = result.History.Count,
            DataDir = dataDir,
            Versions = TorchRuntime.Versions(),
            CreatedUtc = DateTimeOffset.UtcNow,
        };

        if (result.BestEpoch is null)
        {
            return new TrainRunResult(outputDir, result, null, null);
        }

        var modelPath = Path.Combine(outputDir, RunFiles.Model);
        ModelStore.Save(modelPath, model, metadata);
        if (result.Outcome != TrainingOutcome.Completed)
        {
            return new TrainRunResult(outputDir, result, null, null);
        }

        using var testData = TensorData.FromDataset(testSet, device);
        var predictions = Evaluator.Predict(model, testData, 0, testData.Count, Evaluator.DefaultBatchSize);
        var confusion = ConfusionMatrix.FromPredictions(FashionMnist.ClassNames, predictions.Labels, predictions.Predictions);
        ConfusionMatrixCsv.Write(Path.Combine(outputDir, RunFiles.ConfusionCsv), confusion);
        Plots.SaveConfusionMatrix(Path.Combine(outputDir, RunFiles.ConfusionPng), confusion, normalized: false, string.Create(CultureInfo.InvariantCulture, $"test set ({confusion.Total:N0} images)"));
        ModelStore.SaveMetadata(modelPath, metadata with { TestAccuracy = confusion.Accuracy });
        return new TrainRunResult(outputDir, result, confusion.Accuracy, confusion);
    }

    /// <summary>
    /// Creates the run folder and checks that it is writable, before any training. Default: <c>runs/yyyyMMdd-HHmmss</c>,
    /// with <c>-2</c>, <c>-3</c>… appended when it exists; never an existing folder.
    /// </summary>
    /// <exception cref="IOException">The folder exists and is not empty (without <paramref name="overwrite"/>), or cannot be written.</exception>
    public static string PrepareOutput(string? output, bool overwrite)
    {
        string dir;
        if (output is null)
        {
            var stem = Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            dir = stem;
            for (var i = 2; Directory.Exists(dir) || File.Exists(dir); i++)
            {
                dir = $"{stem}-{i}";
            }
        }
        else
        {
            dir = output;
            if (File.Exists(dir))
            {
                throw new IOException($"--output {output}: is a file; expected a folder");
            }

            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !overwrite)
            {
                throw new IOException($"--output {output}: folder exists and is not empty; choose another folder or add --overwrite");
            }
        }

        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = BlockingFile(dir) is { } file ? $"{file} is a file, not a folder" : e.Message;
            throw new IOException($"--output {output ?? dir}: cannot write to the folder ({why}); choose a writable folder", e);
        }

        return Path.GetFullPath(dir);
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

    /// <summary>The nearest existing ancestor of <paramref name="dir"/> when it is a file (so the folder cannot be created), else null.</summary>
    private static string? BlockingFile(string dir)
    {
        for (var p = Path.GetFullPath(dir); !string.IsNullOrEmpty(p); p = Path.GetDirectoryName(p))
        {
            if (File.Exists(p))
            {
                return p;
            }

            if (Directory.Exists(p))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Takes an exclusive lock on <c>.lock</c> in the run folder for the whole run, so that two runs (or a run and
    /// a resume) never write into the same folder at once. The kernel releases it when the process ends.
    /// </summary>
    /// <exception cref="IOException">Another run holds the folder.</exception>
    private static FileStream LockRunFolder(string dir)
    {
        try
        {
            return new FileStream(Path.Combine(dir, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new IOException($"--output {dir}: another train run is writing to this folder; wait for it to end or choose another folder", e);
        }
    }

    /// <summary>With <c>--overwrite</c>: removes what an earlier run (and its evals) wrote, keeping other files.</summary>
    private static void RemovePreviousOutputs(string dir)
    {
        foreach (var file in new[]
        {
            RunFiles.Model, RunFiles.ModelJson, RunFiles.History, RunFiles.Curves, RunFiles.ConfusionCsv, RunFiles.ConfusionPng,
            RunFiles.ConfusionNormalizedPng, RunFiles.Samples, RunFiles.Misclassified, RunFiles.Metrics,
        })
        {
            File.Delete(Path.Combine(dir, file));
        }

        foreach (var sub in new[] { RunFiles.CheckpointDir, RunFiles.CheckpointDir + ".new", RunFiles.CheckpointDir + ".old", "eval-test", "eval-val" })
        {
            var path = Path.Combine(dir, sub);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    private static void WriteSamples(string path, ImageDataset set)
    {
        var n = Math.Min(SampleGridRows * SampleGridColumns, set.Count);
        var indices = Enumerable.Range(0, n).ToArray();
        var titles = indices.Select(i => FashionMnist.ClassNames[set.Labels[i]]).ToArray();
        Plots.SaveImageGrid(path, set.Pixels, set.Height, set.Width, indices, titles, SampleGridRows, SampleGridColumns);
    }
}
