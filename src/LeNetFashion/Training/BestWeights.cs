using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// Keeps a deep copy (cloned tensors, on the model's device) of the weights of the epoch with the highest
/// validation accuracy (the first one on ties, as the tutorial's <c>&gt;</c> comparison) and loads it back into the
/// model when training ends, whether it completed, stopped early, was interrupted or diverged.
/// </summary>
public sealed class BestWeights : TrainerCallback, ITrainingState, IDisposable
{
    private Dictionary<string, Tensor>? _stateDict;
    private double _bestValAcc = double.NegativeInfinity;

    /// <summary>Best epoch so far (from 0), or null before the first epoch completes.</summary>
    public int? Epoch { get; private set; }

    /// <summary>Validation accuracy of <see cref="Epoch"/>, in [0, 1]; 0 when none.</summary>
    public double ValAcc => Epoch is null ? 0 : _bestValAcc;

    /// <summary>The kept weights by state-dict key, or null.</summary>
    public IReadOnlyDictionary<string, Tensor>? StateDict => _stateDict;

    /// <inheritdoc />
    public string StateKey => "best_weights";

    /// <summary>Saves the best epoch, its validation accuracy and its weights (<c>weights</c>, when there is a best epoch).</summary>
    public void SaveState(StateWriter state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("epoch", Epoch);
        state.Set("val_acc", _bestValAcc);
        if (_stateDict is not null)
        {
            state.SetTensors("weights", _stateDict);
        }
    }

    /// <inheritdoc />
    public void LoadState(StateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Epoch = state.Get<int?>("epoch");
        _bestValAcc = state.Get<double>("val_acc");
        if (Epoch is not null && !(_bestValAcc is >= 0 and <= 1))
        {
            throw new InvalidDataException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"best validation accuracy {_bestValAcc}: expected a number in [0, 1]"));
        }

        Replace(Epoch is null ? null : state.GetTensors("weights"));
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
