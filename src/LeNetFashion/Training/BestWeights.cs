using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// Keeps a deep copy (cloned tensors, on the model's device) of the weights of the epoch with the highest
/// validation accuracy (the first one on ties, as the tutorial's <c>&gt;</c> comparison) and loads it back into the
/// model when training ends, whether it completed, stopped early, was interrupted or diverged.
/// </summary>
public sealed class BestWeights : TrainerCallback, IDisposable
{
    private Dictionary<string, Tensor>? _stateDict;
    private double _bestValAcc = double.NegativeInfinity;

    /// <summary>Best epoch so far (from 0), or null before the first epoch completes.</summary>
    public int? Epoch { get; private set; }

    /// <summary>Validation accuracy of <see cref="Epoch"/>, in [0, 1]; 0 when none.</summary>
    public double ValAcc => Epoch is null ? 0 : _bestValAcc;

    /// <summary>The kept weights by state-dict key, or null.</summary>
    public IReadOnlyDictionary<string, Tensor>? StateDict => _stateDict;

    /// <summary>Restores the best epoch of an interrupted run (its weights and the history they came from).</summary>
    /// <param name="history">Completed epochs.</param>
    /// <param name="bestEpoch">Best epoch among them, or null.</param>
    /// <param name="stateDict">Its weights (ownership passes to this object), or null.</param>
    public void Restore(IReadOnlyList<EpochRecord> history, int? bestEpoch, Dictionary<string, Tensor>? stateDict)
    {
        Epoch = bestEpoch;
        _bestValAcc = bestEpoch is { } b ? history.First(h => h.Epoch == b).ValAcc : double.NegativeInfinity;
        Replace(stateDict);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        if (record.ValAcc > _bestValAcc)
        {
            _bestValAcc = record.ValAcc;
            Epoch = record.Epoch;
            Replace(trainer.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope()));
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(Trainer trainer, TrainingResult result)
    {
        if (_stateDict is not null)
        {
            trainer.Model.load_state_dict(_stateDict);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Replace(null);

    private void Replace(Dictionary<string, Tensor>? stateDict)
    {
        if (_stateDict is not null)
        {
            foreach (var t in _stateDict.Values)
            {
                t.Dispose();
            }
        }

        _stateDict = stateDict;
    }
}
