using LeNetFashion.Data;

namespace LeNetFashion.Runs;

/// <summary>A <see cref="TrainRequest"/> resolved before anything runs.</summary>
/// <param name="Config">The run's configuration: seed, device and threads resolved, validated.</param>
/// <param name="Dataset">The data set (a folder data set with its class names, or a registered one).</param>
/// <param name="DataDir">The data folder that will be read (full path).</param>
/// <param name="TestDir">The test folder of a folder data set given with <c>--test-dir</c> (full path), or null.</param>
/// <param name="Resumed">The checkpoint state of the run being resumed, or null for a new run.</param>
/// <param name="ResumeDir">The folder being resumed, or null.</param>
public sealed record ResolvedRun(RunConfig Config, DatasetInfo Dataset, string DataDir, string? TestDir, CheckpointState? Resumed, string? ResumeDir);
