namespace LeNetFashion.Training;

/// <summary>Where an epoch stands after a batch.</summary>
/// <param name="Epoch">Epoch index from 0.</param>
/// <param name="BatchesDone">Batches finished in this epoch (training and validation together).</param>
/// <param name="BatchCount">Batches per epoch.</param>
/// <param name="SamplesDone">Samples processed in this epoch so far.</param>
/// <param name="ElapsedSeconds">Seconds since the epoch started.</param>
public readonly record struct BatchProgress(int Epoch, int BatchesDone, int BatchCount, long SamplesDone, double ElapsedSeconds)
{
    /// <summary>The mean cross-entropy of the training batch just done; NaN for the report after validation.</summary>
    public double Loss { get; init; } = double.NaN;
}
