namespace LeNetFashion.Training;

/// <summary>
/// Stops training when validation accuracy has not improved for <see cref="Patience"/> epochs in a row (Keras'
/// <c>EarlyStopping(monitor="val_accuracy", patience=…)</c>, Lightning's <c>EarlyStopping</c> with
/// <c>mode="max"</c>). Improvement is a strictly higher accuracy, as for the best weights. The stop is a normal
/// completion: the best weights are restored and the test evaluation runs.
/// </summary>
/// <param name="patience">Epochs without improvement to allow, at least 1.</param>
public sealed class EarlyStopping(int patience) : TrainerCallback, ITrainingState
{
    private double _best = double.NegativeInfinity;

    /// <summary>Epochs without improvement that end training.</summary>
    public int Patience { get; } = patience >= 1 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "expected at least 1");

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>The epoch after which training was stopped, or null.</summary>
    public int? StoppedAfterEpoch { get; private set; }

    /// <inheritdoc />
    public string StateKey => "early_stopping";

    /// <summary>Saves the best validation accuracy seen and the epochs waited since (patience counts across an interruption).</summary>
    public void SaveState(StateWriter state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("best", _best);
        state.Set("wait", Wait);
    }

    /// <inheritdoc />
    public void LoadState(StateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _best = state.Get<double>("best");
        Wait = state.Get<int>("wait");
    }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        Observe(record.ValAcc);
        if (Wait >= Patience)
        {
            StoppedAfterEpoch = record.Epoch;
            trainer.ShouldStop = true;
        }
    }

    private void Observe(double valAcc)
    {
        if (valAcc > _best)
        {
            _best = valAcc;
            Wait = 0;
        }
        else
        {
            Wait++;
        }
    }
}
