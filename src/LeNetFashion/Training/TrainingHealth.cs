using System.Globalization;

namespace LeNetFashion.Training;

/// <summary>
/// Warnings about a run that finished without a non-finite loss but did not learn: the cross-entropy of a classifier
/// that guesses uniformly is ln K for K classes (2.30 for 10), so a training loss that ends far above it means the
/// optimisation diverged to large finite values (a learning rate far too high), while the accuracy sits at chance.
/// </summary>
public static class TrainingHealth
{
    /// <summary>Multiple of ln K above which the last epoch's training loss counts as diverged: 4 (9.2 for 10 classes).</summary>
    public const double DivergedLossFactor = 4;

    /// <summary>The warnings for a run's history (empty when it looks healthy).</summary>
    /// <param name="history">The completed epochs, in order.</param>
    /// <param name="classCount">Number of classes K (at least 2).</param>
    /// <param name="learningRate">The run's initial learning rate, named in the advice.</param>
    /// <returns>One line per warning, without a "warning:" prefix.</returns>
    public static IReadOnlyList<string> Warnings(IReadOnlyList<EpochRecord> history, int classCount, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0 || classCount < 2)
        {
            return [];
        }

        var chance = Math.Log(classCount);
        var last = history[^1];
        if (last.TrainLoss > DivergedLossFactor * chance)
        {
            return
            [
                string.Create(CultureInfo.InvariantCulture,
                    $"the training loss ended at {last.TrainLoss:F2}, over {DivergedLossFactor:0} × ln {classCount} = {DivergedLossFactor * chance:F2} (a model that guesses scores ln {classCount} = {chance:F2}), with validation accuracy {last.ValAcc:F4}: training diverged; try a learning rate 10 to 100 times smaller than --lr {IO.Numbers.Plain(learningRate)}"),
            ];
        }

        return [];
    }
}
