using LeNetFashion.Evaluation;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>What a <c>train</c> run produced.</summary>
/// <param name="OutputDir">The run folder.</param>
/// <param name="Config">The run's resolved configuration.</param>
/// <param name="Training">History and outcome.</param>
/// <param name="BestEpoch">Epoch whose weights were kept (highest validation accuracy), or null when none completed.</param>
/// <param name="BestValAcc">Its validation accuracy in [0, 1], or 0.</param>
/// <param name="TestAccuracy">Accuracy of the best weights on the test set, or null when not evaluated.</param>
/// <param name="Confusion">Test-set confusion matrix, or null.</param>
/// <param name="Files">Files written into <paramref name="OutputDir"/>, in the order the "Wrote" line lists them.</param>
public sealed record TrainRunResult(
    string OutputDir,
    RunConfig Config,
    TrainingResult Training,
    int? BestEpoch,
    double BestValAcc,
    double? TestAccuracy,
    ConfusionMatrix? Confusion,
    IReadOnlyList<string> Files)
{
    /// <summary>
    /// True when <c>--resume</c> found a run whose training had ended (every epoch, or early stopping) and whose outputs are
    /// complete: nothing was trained or written. <see cref="TestAccuracy"/> and the best epoch are then the run's own.
    /// </summary>
    public bool AlreadyComplete { get; init; }

    /// <summary>
    /// Where the run that <c>--overwrite</c> replaced is kept, when this run ended before writing a model of its own
    /// (interrupted or diverged in its first epoch) or ended with a warning (<see cref="Warnings"/>); null otherwise (it
    /// was deleted once the new model was written).
    /// </summary>
    public string? ReplacedRun { get; init; }

    /// <summary>With a test-time augmentation: the best epoch's validation accuracy on one view per picture (<see cref="BestValAcc"/> is then with it); null otherwise.</summary>
    public double? BestValAccOneView { get; init; }

    /// <summary>Warnings about the run's training (see <see cref="TrainingHealth"/>); empty when it looks healthy.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
