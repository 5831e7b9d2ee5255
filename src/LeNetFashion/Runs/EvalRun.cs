using System.Text.Json;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.IO;
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
    /// <exception cref="ArgumentException">Invalid option values.</exception>
    public static EvalRunResult Execute(EvalRunOptions options)
    {
        if (options.Split is not ("test" or "val"))
        {
            throw new ArgumentException($"--split {options.Split}: expected test or val");
        }

        var device = TorchRuntime.SelectDevice(options.Device);
        var (model, metadata) = ModelStore.Load(options.Model);
        using var _ = model;
        model.to(device);
        var dataDir = ResolveDataDir(options.DataDir, metadata.DataDir, options.Split == "val" ? DatasetPart.Train : DatasetPart.Test);
        var outputDir = options.Output ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Model))!, "eval-" + options.Split);
        if (File.Exists(outputDir))
        {
            throw new IOException($"--output {outputDir}: is a file; expected a folder");
        }

        Directory.CreateDirectory(outputDir);

        ImageDataset set;
        int start, count, batchSize;
        if (options.Split == "val")
        {
            set = FashionMnist.Load(dataDir, DatasetPart.Train, metadata.Options.Limit);
            BatchSplit split;
            try
            {
                split = BatchSplit.Create(set.Count, metadata.Options.BatchSize, metadata.Options.TrainRate);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException(
                    $"--split val: the model's own split (batch size {metadata.Options.BatchSize}, train rate {metadata.Options.TrainRate}) does not fit the {set.Count:N0} training images in {dataDir}: {e.Message}", e);
            }

            (start, count) = (split.ValidationStart, split.ValidationSamples);
            batchSize = options.BatchSize ?? metadata.Options.BatchSize;
        }
        else
        {
            set = FashionMnist.Load(dataDir, DatasetPart.Test);
            (start, count) = (0, set.Count);
            batchSize = options.BatchSize ?? Evaluator.DefaultBatchSize;
        }

        using var data = TensorData.FromDataset(set, device);
        var predictions = Evaluator.Predict(model, data, start, count, batchSize);
        var classNames = metadata.ClassNames;
        var confusion = ConfusionMatrix.FromPredictions(classNames, predictions.Labels, predictions.Predictions);
        var report = ClassificationReport.FromConfusionMatrix(confusion);

        ConfusionMatrixCsv.Write(Path.Combine(outputDir, RunFiles.ConfusionCsv), confusion);
        var subject = options.Split == "val" ? $"validation batches ({count:N0} images)" : $"test set ({count:N0} images)";
        Plots.SaveConfusionMatrix(Path.Combine(outputDir, RunFiles.ConfusionPng), confusion, normalized: false, subject);
        Plots.SaveConfusionMatrix(Path.Combine(outputDir, RunFiles.ConfusionNormalizedPng), confusion, normalized: true, subject);
        WriteMisclassified(Path.Combine(outputDir, RunFiles.Misclassified), set, start, predictions, classNames);
        WriteMetrics(Path.Combine(outputDir, RunFiles.Metrics), options, dataDir, confusion, report);
        var name = options.Split == "val" ? "Validation" : "Test";
        return new EvalRunResult(name, confusion, report, Path.GetFullPath(outputDir), count);
    }

    private static string ResolveDataDir(string? option, string? fromModel, DatasetPart part)
    {
        if (option is null && fromModel is not null)
        {
            try
            {
                return DataLocator.Resolve(fromModel, part);
            }
            catch (DataFormatException)
            {
                // The folder the model was trained with is gone: fall back to the usual search.
            }
        }

        return DataLocator.Resolve(option, part);
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
                titles.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{names[(int)p.Labels[i]]} → {names[(int)p.Predictions[i]]} ({p.Confidence[i]:F2})"));
            }
        }

        Plots.SaveImageGrid(path, set.Pixels, set.Height, set.Width, indices, titles, 6, 6);
    }

    private static void WriteMetrics(string path, EvalRunOptions options, string dataDir, ConfusionMatrix m, ClassificationReport r)
    {
        var matrix = new long[m.ClassCount][];
        for (var i = 0; i < m.ClassCount; i++)
        {
            matrix[i] = Enumerable.Range(0, m.ClassCount).Select(j => m[i, j]).ToArray();
        }

        var doc = new
        {
            Split = options.Split,
            Accuracy = m.Accuracy,
            Samples = m.Total,
            Correct = m.Correct,
            PerClass = r.Classes,
            MacroAvg = r.MacroAverage,
            WeightedAvg = r.WeightedAverage,
            ClassNames = m.ClassNames,
            ConfusionMatrix = matrix,
            Model = Path.GetFullPath(options.Model),
            DataDir = dataDir,
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(doc, ModelStore.JsonOptions) + "\n");
    }
}
