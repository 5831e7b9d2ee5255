namespace LeNetFashion.Training;

/// <summary>
/// Hyper-parameters of a training run. Defaults are the tutorial's (batch 64, 80/20 batch split,
/// Adam with learning rate 0.001, 25 epochs).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Number of epochs, at least 1.</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>Samples per batch, at least 1.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate, a positive finite number.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>Fraction of batches that train, strictly between 0 and 1; the rest validate.</summary>
    public double TrainRate { get; init; } = 0.8;
}
