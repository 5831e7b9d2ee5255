using LeNetFashion.Evaluation;

namespace LeNetFashion.Runs;

/// <summary>The content of <c>metrics.json</c> that <c>eval</c> writes (snake_case keys).</summary>
/// <param name="Split">What was scored: <c>test</c> or <c>val</c>.</param>
/// <param name="Accuracy">Correct / samples, in [0, 1].</param>
/// <param name="Samples">Samples scored.</param>
/// <param name="Correct">Samples classified correctly.</param>
/// <param name="PerClass">Precision, recall, F1 and support per class, by label.</param>
/// <param name="MacroAvg">Unweighted mean over classes.</param>
/// <param name="WeightedAvg">Mean over classes weighted by support.</param>
/// <param name="ClassNames">Class names by label.</param>
/// <param name="ConfusionMatrix">Counts, rows = true class, columns = predicted class.</param>
/// <param name="Model">Full path of the model file.</param>
/// <param name="DataDir">Data folder read.</param>
public sealed record EvalMetrics(
    EvalSplit Split,
    double Accuracy,
    long Samples,
    long Correct,
    IReadOnlyList<ClassMetrics> PerClass,
    ClassMetrics MacroAvg,
    ClassMetrics WeightedAvg,
    IReadOnlyList<string> ClassNames,
    long[][] ConfusionMatrix,
    string Model,
    string DataDir)
{
    /// <summary>The data files read: file used, SHA-256 of the decompressed content, and whether it matches the published file.</summary>
    public IReadOnlyList<Data.DataProvenance> Data { get; init; } = [];

    /// <summary>The test-time augmentation the model was scored with (<see cref="Models.TestTimeAugmentation"/>): <c>none</c>, <c>flip</c> or <c>flip-shift</c>.</summary>
    public string TestTimeAugmentation { get; init; } = Models.TestTimeAugmentation.None;

    /// <summary>The metrics of a confusion matrix and its classification report.</summary>
    public static EvalMetrics From(EvalSplit split, ConfusionMatrix m, ClassificationReport r, string model, string dataDir)
    {
        var matrix = new long[m.ClassCount][];
        for (var i = 0; i < m.ClassCount; i++)
        {
            matrix[i] = Enumerable.Range(0, m.ClassCount).Select(j => m[i, j]).ToArray();
        }

        return new EvalMetrics(split, m.Accuracy, m.Total, m.Correct, r.Classes, r.MacroAverage, r.WeightedAverage, m.ClassNames, matrix, model, dataDir);
    }
}
