namespace LeNetFashion.Runs;

/// <summary>A <see cref="TrainRequest"/> resolved before anything runs.</summary>
/// <param name="Config">The run's configuration: seed, device and threads resolved.</param>
/// <param name="DataDir">The data folder that will be read.</param>
/// <param name="Resumed">The checkpoint state of the run being resumed, or null for a new run.</param>
/// <param name="ResumeDir">The folder being resumed, or null.</param>
public sealed record ResolvedRun(RunConfig Config, string DataDir, CheckpointState? Resumed, string? ResumeDir);
