namespace LeNetFashion.Runs;

/// <summary>What <c>checkpoint/state.json</c> records about an interrupted run, enough to resume it exactly.</summary>
/// <param name="Options">The run's resolved configuration (key <c>options</c>, as in <c>model.json</c>).</param>
/// <param name="DataDir">Data folder used.</param>
/// <param name="EpochsCompleted">Number of completed epochs in the checkpoint.</param>
/// <param name="BestEpoch">Best epoch so far, or null.</param>
public sealed record CheckpointState(RunConfig Options, string DataDir, int EpochsCompleted, int? BestEpoch);
