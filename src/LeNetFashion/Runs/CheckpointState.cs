using System.Text.Json.Nodes;

namespace LeNetFashion.Runs;

/// <summary>What <c>checkpoint/state.json</c> records about an interrupted run, enough to resume it exactly.</summary>
/// <param name="Options">The run's resolved configuration (key <c>options</c>, as in <c>model.json</c>).</param>
/// <param name="DataDir">Data folder used.</param>
/// <param name="EpochsCompleted">Number of completed epochs in the checkpoint.</param>
/// <param name="BestEpoch">Best epoch so far, or null.</param>
public sealed record CheckpointState(RunConfig Options, string DataDir, int EpochsCompleted, int? BestEpoch)
{
    /// <summary>The format tag written by this version.</summary>
    public const string CurrentFormat = "lenet-fashion-checkpoint/2";

    /// <summary>Format tag (<see cref="CurrentFormat"/>, set by <see cref="Checkpoint.Save"/>); null in checkpoints of earlier versions, which held fixed files instead of parts' states.</summary>
    public string? Format { get; init; }

    /// <summary>Whether training had ended when this was written: every epoch ran, or early stopping stopped it.</summary>
    public bool Finished { get; init; }

    /// <summary>Folder of the test pictures of a folder data set given with <c>--test-dir</c>, or null.</summary>
    public string? TestDir { get; init; }

    /// <summary>
    /// SHA-256 of the decompressed content of each data file the run read (standard name, e.g. <c>train-images-idx3-ubyte</c>
    /// → 64 hex digits; a folder data set's are hashes of its pictures), so a resume on other data is noticed; null in
    /// checkpoints written before it existed.
    /// </summary>
    public IReadOnlyDictionary<string, string>? DataSha256 { get; init; }

    /// <summary>Each part's state by <see cref="Training.ITrainingState.StateKey"/>, in load order.</summary>
    public IReadOnlyDictionary<string, JsonObject>? States { get; init; }
}
