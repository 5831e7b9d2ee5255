using LeNetFashion.Evaluation;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>What a <c>train</c> run produced.</summary>
/// <param name="OutputDir">The run folder.</param>
/// <param name="Training">History, best epoch and outcome.</param>
/// <param name="TestAccuracy">Accuracy of the best weights on the test set, or null when not evaluated.</param>
/// <param name="Confusion">Test-set confusion matrix, or null.</param>
public sealed record TrainRunResult(string OutputDir, TrainingResult Training, double? TestAccuracy, ConfusionMatrix? Confusion);
