namespace LeNetFashion.Training;

/// <summary>How a call to <see cref="Trainer.Fit"/> ended.</summary>
public enum TrainingOutcome
{
    /// <summary>All epochs ran, or a callback stopped training early (<see cref="TrainingResult.StoppedEarly"/>).</summary>
    Completed,

    /// <summary>Cancelled (Ctrl+C) between batches; the unfinished epoch is discarded.</summary>
    Interrupted,

    /// <summary>A batch loss was NaN or infinite; the unfinished epoch is discarded.</summary>
    Diverged,
}

/// <summary>What a call to <see cref="Trainer.Fit"/> produced.</summary>
/// <param name="History">Metrics of every completed epoch, in order.</param>
/// <param name="Outcome">How training ended.</param>
/// <param name="Message">For <see cref="TrainingOutcome.Diverged"/>: which epoch and batch, and what to do.</param>
/// <param name="StoppedEarly">Completed before the last epoch because a callback set <see cref="Trainer.ShouldStop"/>.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochRecord> History,
    TrainingOutcome Outcome,
    string? Message,
    bool StoppedEarly = false);
