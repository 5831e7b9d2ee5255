namespace LeNetFashion.Training;

/// <summary>
/// Something that follows training and may act on it (after Lightning's <c>Callback</c> and Keras' callbacks):
/// best-weight tracking, checkpoints, console progress, early stopping. The <see cref="Trainer"/> calls each
/// callback in list order; a callback that wants training to end sets <see cref="Trainer.ShouldStop"/>, which ends
/// the run after the current epoch as a normal completion. Every method does nothing by default.
/// </summary>
public abstract class TrainerCallback
{
    /// <summary>Before the first epoch that <see cref="Trainer.Fit"/> runs (after a resume, the first remaining one).</summary>
    public virtual void OnTrainStart(Trainer trainer)
    {
    }

    /// <summary>After each batch, training or validation.</summary>
    public virtual void OnBatchEnd(Trainer trainer, BatchProgress progress)
    {
    }

    /// <summary>After an epoch completed; <paramref name="record"/> is already the last entry of <see cref="Trainer.History"/>.</summary>
    public virtual void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
    }

    /// <summary>When <see cref="Trainer.Fit"/> ends, however it ends (completed, stopped, interrupted or diverged).</summary>
    public virtual void OnTrainEnd(Trainer trainer, TrainingResult result)
    {
    }
}
