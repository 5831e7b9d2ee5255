using System.Globalization;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.Reporting;
using LeNetFashion.Runtime;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// What a training run tells and writes, apart from how it was set up and sequenced: the information lines before the
/// first epoch, and after training the run's files (<c>curves.png</c>, <c>model.dat</c> and <c>model.json</c>, the
/// test-set confusion matrix as CSV and PNG, <c>report.html</c>).
/// </summary>
public static class RunOutputs
{
    private const int SampleGridRows = 4;
    private const int SampleGridColumns = 16;

    /// <summary>Prints device, data, split, model and output folder, one line each.</summary>
    /// <param name="reporter">Receives the lines.</param>
    /// <param name="session">The built session.</param>
    /// <param name="data">The run's data.</param>
    /// <param name="outputDir">The run folder.</param>
    public static void Announce(RunReporter reporter, TrainingSession session, TrainingData data, string outputDir)
    {
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(data);
        var config = session.Config;
        var split = session.Split;
        reporter.Info(string.Create(CultureInfo.InvariantCulture, $"Device: {config.Device.ToString().ToLowerInvariant()}, threads: {config.Threads}, seed: {config.Seed}"));
        reporter.Info(data.Dataset.Name == FolderDataset.Name
            ? string.Create(CultureInfo.InvariantCulture, $"Data: {data.Dataset.DisplayName}: {data.Dataset.ClassCount} classes ({string.Join(", ", data.Dataset.ClassNames.Take(12))}{(data.Dataset.ClassCount > 12 ? ", …" : "")}), {data.Train.Count:N0} training and {data.Test.Count:N0} test pictures at {data.Train.Height} × {data.Train.Width}")
            : $"Data: {data.Dataset.DisplayName} in {data.DataDir}");
        foreach (var note in DatasetVerifier.Notes(data.Train).Concat(DatasetVerifier.Notes(data.Test)))
        {
            reporter.Info(note);
        }

        if (data.Dataset.Name != FolderDataset.Name && FolderDataset.Is(data.DataDir))
        {
            reporter.Info($"note: {data.DataDir} also holds class folders of pictures; they are not used (--dataset folder trains on them instead of the IDX files)");
        }

        var preprocessing = session.Classifier.Preprocessing;
        if (preprocessing.Mean is { } mean)
        {
            reporter.Info(config.Normalize
                ? string.Create(CultureInfo.InvariantCulture, $"Normalize: mean {mean:F4}, std {preprocessing.Std:F4} (the split's {split.TrainSamples:N0} training images)")
                : string.Create(CultureInfo.InvariantCulture, $"Normalize: mean {mean:F4}, std {preprocessing.Std:F4} (kept from the --init model, whose weights were trained with it)"));
        }

        reporter.Info(string.Create(CultureInfo.InvariantCulture,
            $"Split: {split.SampleCount:N0} training images in {split.BatchCount:N0} batches of {split.BatchSize:N0}: {split.TrainBatches:N0} batch{(split.TrainBatches == 1 ? "" : "es")} ({split.TrainSamples:N0} images) train, {split.ValidationBatches:N0} batch{(split.ValidationBatches == 1 ? "" : "es")} ({split.ValidationSamples:N0} images) validate"));
        reporter.Info(string.Create(CultureInfo.InvariantCulture,
            $"Model: {config.Architecture}, {session.ParameterCount:N0} parameters; {Optimizers.DisplayName(config.Optimizer)}, learning rate {IO.Numbers.Plain(config.LearningRate)}{ScheduleText(config.LrSchedule)}, {config.Epochs:N0} epoch{(config.Epochs == 1 ? "" : "s")}{TrainingExtras(config)}"));
        reporter.Info($"Output: {outputDir}");
    }

    /// <summary>
    /// Writes the run's files after <see cref="Trainer.Fit"/>: the curves when an epoch completed; the best weights and
    /// <c>model.json</c> when there is a best epoch; and, for a completed run, the test-set evaluation (confusion matrix
    /// CSV and PNG, test accuracy and timing in <c>model.json</c>) and <c>report.html</c>.
    /// </summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="session">The session that trained (its model now holds the best weights).</param>
    /// <param name="data">The run's data (the test part is evaluated).</param>
    /// <param name="result">What <see cref="Trainer.Fit"/> returned.</param>
    /// <param name="firstBatchSeconds">Seconds from process start to the first batch, or null.</param>
    /// <returns>The run's result, with the files written.</returns>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public static TrainRunResult Write(RunFolder folder, TrainingSession session, TrainingData data, TrainingResult result, double? firstBatchSeconds)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(result);
        var config = session.Config;
        var best = session.Best;
        var classifier = session.Classifier;
        if (result.History.Count > 0)
        {
            folder.Write(RunFiles.Curves, path => Plots.SaveCurves(path, result.History));
        }

        var metadata = new ModelMetadata
        {
            Architecture = config.Architecture,
            ClassNames = classifier.ClassNames,
            InputShape = classifier.Spec.InputShape,
            Preprocessing = classifier.Preprocessing,
            Options = config,
            BestEpoch = best.Epoch,
            ValAccuracy = best.Epoch is null ? null : best.ValAcc,
            EpochsCompleted = result.History.Count,
            DataDir = data.DataDir,
            TestDir = data.TestDir,
            Dataset = data.Dataset.Name,
            Preparation = Imaging.Preparations.Name(Imaging.Preparations.ForDataset(data.Dataset.Name)),
            Data = [.. DatasetVerifier.Provenance(data.Train), .. DatasetVerifier.Provenance(data.Test)],
            Versions = TorchRuntime.Versions(),
            CreatedUtc = DateTimeOffset.UtcNow,
        };
        var warnings = TrainingHealth.Warnings(result.History, classifier.ClassNames.Count, config.LearningRate);
        if (warnings.Count > 0)
        {
            metadata = metadata with { Warnings = warnings };
        }

        var outcome = new TrainRunResult(folder.Path, config, result, best.Epoch, best.ValAcc, null, null, folder.Written)
        {
            Warnings = warnings,
            ReplacedRun = folder.Replaced.Count > 0 ? Path.Combine(folder.Path, RunFolder.ReplacedDir) : null,
        };
        if (best.Epoch is null)
        {
            return outcome;
        }

        folder.Write(RunFiles.Model, path => ModelStore.Save(path, classifier, metadata));
        folder.Record(RunFiles.ModelJson);
        // A run that ended with a warning (its loss far above chance: it learned nothing) does not replace the run
        // --overwrite moved aside: that one stays in .replaced-run, restorable, and the warning says so.
        if (warnings.Count == 0)
        {
            folder.DiscardReplaced();
            outcome = outcome with { ReplacedRun = null };
        }
        if (result.Outcome != TrainingOutcome.Completed)
        {
            return outcome with { Files = folder.Written };
        }

        // With a test-time augmentation, the kept weights' validation accuracy is scored again as the model predicts
        // (the per-epoch validation that chose them used one view), so that runs compare as they will be used.
        if (classifier.Preprocessing.TestTimeAugmentation is not null && best.Epoch is not null)
        {
            var val = Evaluator.Predict(classifier, session.Train, session.Split.ValidationStart, session.Split.ValidationSamples, session.Split.BatchSize);
            metadata = metadata with { ValAccuracy = val.Accuracy, ValAccuracyOneView = best.ValAcc };
            outcome = outcome with { BestValAcc = val.Accuracy, BestValAccOneView = best.ValAcc };
        }

        using var testData = TensorData.FromDataset(data.Test, TorchRuntime.SelectDevice(config.Device));
        var testWatch = System.Diagnostics.Stopwatch.StartNew();
        var predictions = Evaluator.Predict(classifier, testData, 0, testData.Count, Evaluator.DefaultBatchSize);
        testWatch.Stop();
        var confusion = ConfusionMatrix.FromPredictions(classifier.ClassNames, predictions.Labels, predictions.Predictions);
        metadata = metadata with
        {
            Timing = RunTiming.WithProcessCounters(new RunTiming(firstBatchSeconds, testWatch.Elapsed.TotalSeconds, testData.Count, RunTiming.PeakResidentBytesNow())),
            TestAccuracy = confusion.Accuracy,
        };
        folder.Write(RunFiles.ConfusionCsv, path => ConfusionMatrixCsv.Write(path, confusion));
        folder.Write(RunFiles.ConfusionPng, path => Plots.SaveConfusionMatrix(path, confusion, normalized: false, string.Create(CultureInfo.InvariantCulture, $"test set ({confusion.Total:N0} images)")));
        ModelStore.SaveMetadata(folder.PathOf(RunFiles.Model), metadata);
        folder.Write(RunFiles.Report, path => HtmlReport.Write(path, folder.Path, "Training run", metadata, ClassificationReport.FromConfusionMatrix(confusion)));
        return outcome with { TestAccuracy = confusion.Accuracy, Confusion = confusion, Files = folder.Written };
    }

    /// <summary>Writes the first 64 training images (the tutorial's first batch) as a 4 × 16 grid titled with class names.</summary>
    public static void WriteSamples(string path, ImageDataset set, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(classNames);
        var n = Math.Min(SampleGridRows * SampleGridColumns, set.Count);
        var indices = Enumerable.Range(0, n).ToArray();
        var titles = indices.Select(i => classNames[set.Labels[i]]).ToArray();
        Plots.SaveImageGrid(path, set.Pixels, set.Height, set.Width, indices, titles, SampleGridRows, SampleGridColumns);
    }

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

        if (c.Tta != Models.TestTimeAugmentation.None)
        {
            extras.Add(string.Create(CultureInfo.InvariantCulture, $"test-time augmentation {c.Tta} ({Models.TestTimeAugmentation.Views(c.Tta)} views)"));
        }

        if (c.LabelSmoothing > 0)
        {
            extras.Add("label smoothing " + IO.Numbers.Plain(c.LabelSmoothing));
        }

        if (c.Patience is { } p)
        {
            extras.Add(string.Create(CultureInfo.InvariantCulture, $"early stopping after {p} epoch{(p == 1 ? "" : "s")} without improvement"));
        }

        return extras.Count == 0 ? "" : "; " + string.Join(", ", extras);
    }
}
