using LeNetFashion.Reporting;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// After every completed epoch: writes <c>history.csv</c> into the run folder and a resumable
/// <see cref="Checkpoint"/> of every part with training state (<see cref="Trainer.StatefulParts"/>). Must come after
/// every stateful callback in the trainer's callbacks, so that it saves their state after this epoch.
/// </summary>
/// <param name="folder">The run folder.</param>
/// <param name="checkpoint">The checkpoint of that folder.</param>
/// <param name="config">The run's resolved configuration, recorded in <c>state.json</c>.</param>
/// <param name="dataDir">The data folder, recorded in <c>state.json</c>.</param>
/// <param name="testDir">The <c>--test-dir</c> of a folder data set, recorded in <c>state.json</c>, or null.</param>
/// <param name="dataSha256">SHA-256 of each data file by standard name, recorded in <c>state.json</c>.</param>
public sealed class CheckpointCallback(RunFolder folder, Checkpoint checkpoint, RunConfig config, string dataDir, string? testDir, IReadOnlyDictionary<string, string> dataSha256) : TrainerCallback
{
    /// <inheritdoc />
    /// <exception cref="IOException">A file cannot be written; for a full disk, one line that says which file and what
    /// is kept (the previous checkpoint, intact and resumable).</exception>
    public override void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        try
        {
            folder.Write(RunFiles.History, path => HistoryCsv.Write(path, trainer.History));
            checkpoint.Save(trainer.StatefulParts, new CheckpointState(config, dataDir, trainer.History.Count, trainer.Callback<BestWeights>()?.Epoch)
            {
                TestDir = testDir,
                DataSha256 = dataSha256,
                Finished = trainer.ShouldStop || trainer.History.Count >= trainer.Epochs,
            });
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            var completed = trainer.History.Count;
            var file = Checkpoint.FileIn(e, folder.Path) ?? RunFiles.CheckpointDir;
            var kept = completed > 1
                ? $"the checkpoint of {(completed == 2 ? "epoch 0" : $"epochs 0–{completed - 2}")} is intact; free some space, then continue with: train --resume {folder.Path}"
                : "none was saved, so there is nothing to resume; free some space or choose another --output"
                    + (folder.Replaced.Count > 0 ? $"; the run --overwrite replaced is kept in {Path.Combine(folder.Path, RunFolder.ReplacedDir)} (move its files back to restore it)" : "");
            throw new IOException($"--output {folder.Path}: no space left on device while writing {file}; completed epochs: {completed}, epoch {completed - 1} not saved; {kept}", e);
        }
    }

    /// <summary>Whether <paramref name="e"/> reports a full disk (ENOSPC 28 on Linux, ERROR_DISK_FULL 112 or ERROR_HANDLE_DISK_FULL 39 on Windows).</summary>
    public static bool IsDiskFull(IOException e) =>
        (e.HResult & 0xFFFF) is 28 or 39 or 112 || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);
}
