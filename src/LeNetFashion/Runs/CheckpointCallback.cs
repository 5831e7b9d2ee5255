using LeNetFashion.Reporting;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// After every completed epoch: writes <c>history.csv</c> into the run folder and a resumable
/// <see cref="Checkpoint"/> (last weights, optimizer state, best weights, history, <c>state.json</c>).
/// Must come after <see cref="BestWeights"/> in the trainer's callbacks, so that it saves the current best.
/// </summary>
/// <param name="folder">The run folder.</param>
/// <param name="checkpoint">The checkpoint of that folder.</param>
/// <param name="best">The best-weights tracker whose weights and epoch are saved.</param>
/// <param name="config">The run's resolved configuration, recorded in <c>state.json</c>.</param>
/// <param name="dataDir">The data folder, recorded in <c>state.json</c>.</param>
public sealed class CheckpointCallback(RunFolder folder, Checkpoint checkpoint, BestWeights best, RunConfig config, string dataDir) : TrainerCallback
{
    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        folder.Write(RunFiles.History, path => HistoryCsv.Write(path, trainer.History));
        checkpoint.Save(trainer.Model, trainer.Optimizer, best.StateDict, new CheckpointState(config, dataDir, trainer.History.Count, best.Epoch));
    }
}
