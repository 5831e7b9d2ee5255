using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>What <c>checkpoint/state.json</c> records about an interrupted run, enough to resume it exactly.</summary>
/// <param name="Architecture">Architecture name.</param>
/// <param name="Options">The run's options (seed, batch size, …).</param>
/// <param name="DataDir">Data folder used.</param>
/// <param name="EpochsCompleted">Number of completed epochs in the checkpoint.</param>
/// <param name="BestEpoch">Best epoch so far, or null.</param>
public sealed record CheckpointState(string Architecture, RunOptionsRecord Options, string DataDir, int EpochsCompleted, int? BestEpoch)
{
    /// <summary>The options to continue with; a different <c>--epochs</c> on the command line extends or shortens the run.</summary>
    /// <param name="runDir">The run folder being resumed.</param>
    /// <param name="commandLine">Options from the command line: <c>Epochs</c> when given explicitly, and <c>DataDir</c>.</param>
    /// <exception cref="ArgumentException">The given epochs are fewer than the epochs already completed.</exception>
    public TrainRunOptions ToOptions(string runDir, TrainRunOptions commandLine)
    {
        if (commandLine.EpochsGiven && commandLine.Training.Epochs <= EpochsCompleted)
        {
            throw new ArgumentException(
                $"--epochs {commandLine.Training.Epochs}: the run in {runDir} has already completed {EpochsCompleted} epoch(s); give more epochs to continue it");
        }

        return new()
        {
            DataDir = commandLine.DataDir ?? DataDir,
            Architecture = Architecture,
            Training = new TrainingOptions
            {
                Epochs = commandLine.EpochsGiven ? commandLine.Training.Epochs : Options.Epochs,
                BatchSize = Options.BatchSize,
                LearningRate = Options.LearningRate,
                TrainRate = Options.TrainRate,
            },
            Device = Options.Device,
            Threads = Options.Threads,
            Seed = Options.Seed,
            Limit = Options.Limit,
            Output = runDir,
            Overwrite = true,
            Resume = runDir,
            EpochsGiven = true,
        };
    }
}
