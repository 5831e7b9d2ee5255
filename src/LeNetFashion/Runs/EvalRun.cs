using System.Globalization;
using System.Text.Json;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.IO;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runtime;
using TorchSharp;

namespace LeNetFashion.Runs;

/// <summary>
/// The <c>eval</c> verb: scores a saved model on the test set (or its validation batches) and writes the
/// confusion matrix (CSV, counts and normalised heatmaps), the first 36 misclassified images and
/// <c>metrics.json</c>.
/// </summary>
public static class EvalRun
{
    /// <summary>Number of misclassified images drawn (6 × 6).</summary>
    public const int MisclassifiedShown = 36;

    /// <summary>Runs the evaluation.</summary>
    /// <exception cref="ModelFileException">Model missing, damaged or of another architecture.</exception>
    /// <exception cref="DataFormatException">Data missing or damaged.</exception>
    /// <exception cref="UsageException">Invalid option values.</exception>
    /// <exception cref="IOException">The output folder cannot be used.</exception>
    public static EvalRunResult Execute(EvalRequest request)
    {
        var device = TorchRuntime.SelectDevice(request.Device);
        var (classifier, metadata) = ModelStore.Load(request.Model);
        using var _ = classifier;
        classifier.Model.to(device);
        if (request.Tta is { } tta)
        {
            classifier.UseTestTimeAugmentation(tta);
        }

        var isVal = request.Split == EvalSplit.Val;
        var part = isVal ? DatasetPart.Train : DatasetPart.Test;
        var testDir = request.TestDir ?? (request.DataDir is null ? metadata.TestDir : null);
        (var dataset, var dataDir, testDir) = ResolveData(request.DataDir, metadata, classifier.ClassNames, testDir, part);
        using var folder = RunFolder.CreateForReports(
            request.Output ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.Model))!, RunFiles.EvalDir(request.Split)));

        ImageDataset set;
        int start, count, batchSize;
        if (isVal)
        {
            var options = metadata.Options
                ?? throw new UsageException($"--split val: {request.Model} has no training options (it was not trained by this tool), so its validation batches are unknown; use --split test");
            set = TrainingData.LoadPart(dataset, dataDir, testDir, DatasetPart.Train, options.Limit);
            BatchSplit split;
            try
            {
                split = BatchSplit.Create(set.Count, options.BatchSize, options.TrainRate);
            }
            catch (ArgumentException e)
            {
                throw new ModelFileException(
                    string.Create(CultureInfo.InvariantCulture, $"--split val: the model's own split (batch size {options.BatchSize}, train rate {options.TrainRate}) does not fit the {set.Count:N0} training images in {dataDir}: {e.Message}"), e);
            }

            (start, count) = (split.ValidationStart, split.ValidationSamples);
            batchSize = request.BatchSize ?? options.BatchSize;
        }
        else
        {
            set = TrainingData.LoadPart(dataset, dataDir, testDir, DatasetPart.Test);
            (start, count) = (0, set.Count);
            batchSize = request.BatchSize ?? Evaluator.DefaultBatchSize;
        }

        using var data = TensorData.FromDataset(set, device);
        var predictions = Evaluator.Predict(classifier, data, start, count, batchSize);
        var confusion = ConfusionMatrix.FromPredictions(classifier.ClassNames, predictions.Labels, predictions.Predictions);
        var report = ClassificationReport.FromConfusionMatrix(confusion);

        folder.Write(RunFiles.ConfusionCsv, path => ConfusionMatrixCsv.Write(path, confusion));
        var subject = string.Create(CultureInfo.InvariantCulture, $"{(isVal ? "validation batches" : "test set")} ({count:N0} images)");
        folder.Write(RunFiles.ConfusionPng, path => Plots.SaveConfusionMatrix(path, confusion, normalized: false, subject));
        folder.Write(RunFiles.ConfusionNormalizedPng, path => Plots.SaveConfusionMatrix(path, confusion, normalized: true, subject));
        folder.Write(RunFiles.Misclassified, path => WriteMisclassified(path, set, start, predictions, classifier.ClassNames));
        var metrics = EvalMetrics.From(request.Split, confusion, report, Path.GetFullPath(request.Model), dataDir) with { Data = DatasetVerifier.Provenance(set), TestTimeAugmentation = classifier.Preprocessing.TestTimeAugmentation ?? Models.TestTimeAugmentation.None };
        folder.Write(RunFiles.Metrics, path => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(metrics, ModelStore.JsonOptions) + "\n"));
        folder.Write(RunFiles.Report, path => HtmlReport.Write(path, folder.Path, $"Evaluation of {request.Model}: {subject}", metadata, report));
        return new EvalRunResult(isVal ? "Validation" : "Test", confusion, report, folder.Path, count, folder.Written)
        {
            Notes = classifier.Preprocessing.TestTimeAugmentation is { } views
                ? [.. DatasetVerifier.Notes(set), $"Test-time augmentation: {views} ({Models.TestTimeAugmentation.Views(views)} views per image, probabilities averaged; --tta none scores one view)"]
                : DatasetVerifier.Notes(set),
        };
    }

    /// <summary>
    /// The data set and folder to score on: a folder data set (the model's classes as labels) when the model was trained
    /// on one or <c>--data-dir</c> holds class sub-folders of pictures (a folder of class folders without <c>train/</c>
    /// is the test set itself); otherwise the model's registered data set.
    /// </summary>
    private static (DatasetInfo Dataset, string DataDir, string? TestDir) ResolveData(string? option, ModelMetadata metadata, IReadOnlyList<string> classNames, string? testDir, DatasetPart part)
    {
        var name = metadata.Dataset ?? metadata.Options?.Dataset ?? Datasets.FashionMnist.Name;
        if (name == FolderDataset.Name || FolderDataset.Is(option))
        {
            var root = option ?? metadata.DataDir;
            if (part == DatasetPart.Test && testDir is null && root is not null && FolderDataset.Is(root) && !Directory.Exists(Path.Combine(root, "train")))
            {
                // eval --data-dir <folder of class folders>: that folder is the test set.
                testDir = root;
            }

            if (root is null || !FolderDataset.Is(root))
            {
                throw new DataFormatException($"--data-dir {root ?? "(not given)"}: expected a folder with one sub-folder of pictures per class (the model's classes: {string.Join(", ", classNames)})", root);
            }

            var full = Path.GetFullPath(root);
            FolderDataset.PartDirectory(full, part, testDir);
            return (FolderDataset.Describe(full, classNames), full, testDir);
        }

        return ResolveRegistered(option, metadata, name, part);
    }

    private static (DatasetInfo Dataset, string DataDir, string? TestDir) ResolveRegistered(string? option, ModelMetadata metadata, string name, DatasetPart part)
    {
        var dataset = Datasets.Get(name);
        return (dataset, ResolveDataDir(option, metadata.DataDir, dataset, part), null);
    }

    private static string ResolveDataDir(string? option, string? fromModel, DatasetInfo dataset, DatasetPart part)
    {
        if (option is null && fromModel is not null)
        {
            try
            {
                return DataLocator.Resolve(fromModel, dataset, part);
            }
            catch (DataFormatException)
            {
                // The folder the model was trained with is gone: fall back to the usual search.
            }
        }

        return DataLocator.Resolve(option, dataset, part);
    }

    private static void WriteMisclassified(string path, ImageDataset set, int start, PredictionSet p, IReadOnlyList<string> names)
    {
        var indices = new List<int>();
        var titles = new List<string>();
        for (var i = 0; i < p.Count && indices.Count < MisclassifiedShown; i++)
        {
            if (p.Labels[i] != p.Predictions[i])
            {
                indices.Add(start + i);
                titles.Add(string.Create(CultureInfo.InvariantCulture, $"{names[(int)p.Labels[i]]} → {names[(int)p.Predictions[i]]} ({p.Confidence[i]:F2})"));
            }
        }

        Plots.SaveImageGrid(path, set.Pixels, set.Height, set.Width, indices, titles, 6, 6);
    }
}
