namespace LeNetFashion.Runs;

/// <summary>The options of a training run as stored in <c>model.json</c>.</summary>
/// <param name="Epochs">Epochs requested.</param>
/// <param name="BatchSize">Samples per batch.</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="TrainRate">Fraction of batches that train.</param>
/// <param name="Seed">Seed of the torch generator (weights initialisation).</param>
/// <param name="Limit">Only the first N training images were used, or null for all.</param>
/// <param name="Device">Device used: cpu or cuda.</param>
/// <param name="Threads">CPU threads used.</param>
public sealed record RunOptionsRecord(
    int Epochs,
    int BatchSize,
    double LearningRate,
    double TrainRate,
    long Seed,
    int? Limit,
    string Device,
    int Threads);
