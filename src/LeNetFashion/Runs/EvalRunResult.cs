using LeNetFashion.Evaluation;

namespace LeNetFashion.Runs;

/// <summary>What <c>eval</c> computed.</summary>
/// <param name="SplitName">"Test" or "Validation".</param>
/// <param name="Confusion">Confusion matrix (rows = true class).</param>
/// <param name="Report">Per-class precision, recall, F1, support and averages.</param>
/// <param name="OutputDir">Folder the reports were written to.</param>
/// <param name="SampleCount">Samples scored.</param>
/// <param name="Files">Files written into <paramref name="OutputDir"/>, in the order the "Wrote" line lists them.</param>
public sealed record EvalRunResult(string SplitName, ConfusionMatrix Confusion, ClassificationReport Report, string OutputDir, int SampleCount, IReadOnlyList<string> Files)
{
    /// <summary>Lines for the user about the data read (files that differ from the published ones).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
