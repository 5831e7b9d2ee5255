namespace LeNetFashion.Training;

/// <summary>How a call to <see cref="Trainer.Fit"/> ended.</summary>
public enum TrainingOutcome
{
    /// <summary>All epochs ran.</summary>
    Completed,

    /// <summary>Cancelled (Ctrl+C) between batches; the unfinished epoch is discarded.</summary>
    Interrupted,

    /// <summary>A batch loss was NaN or infinite; the unfinished epoch is discarded.</summary>
    Diverged,
}

/// <summary>What training produced. The model holds the best weights when <see cref="BestEpoch"/> is not null.</summary>
/// <param name="History">Metrics of every completed epoch, in order.</param>
/// <param name="BestEpoch">Epoch with the highest validation accuracy (first one on ties), or null if none completed.</param>
/// <param name="BestValAcc">Its validation accuracy in [0, 1], or 0.</param>
/// <param name="Outcome">How training ended.</param>
/// <param name="Message">For <see cref="TrainingOutcome.Diverged"/>: which epoch and batch, and what to do.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochRecord> History,
    int? BestEpoch,
    double BestValAcc,
    TrainingOutcome Outcome,
    string? Message);
