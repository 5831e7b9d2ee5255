using System.Diagnostics;
using System.Globalization;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// The tutorial's training loop (<c>train_model</c>): every epoch, the first <see cref="BatchSplit.TrainBatches"/>
/// batches train (train mode, Adam step per batch) and the remaining batches validate (eval mode, no
/// gradients). Losses are per sample (batch mean × batch size, summed, divided by samples). Whenever validation
/// accuracy improves, a deep copy (cloned tensors) of the state dict is kept; at the end it is loaded back.
/// </summary>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly TensorData _data;
    private readonly BatchSplit _split;
    private readonly TrainingOptions _options;
    private readonly TorchSharp.Modules.OptimizerHelper _optimizer;
    private readonly List<EpochRecord> _history = [];
    private Dictionary<string, Tensor>? _best;
    private int? _bestEpoch;
    private double _bestValAcc = double.NegativeInfinity;

    /// <summary>Adam's β1, PyTorch's default (<c>torch.optim.Adam</c>; Kingma and Ba, 2015).</summary>
    public const double AdamBeta1 = 0.9;

    /// <summary>Adam's β2, PyTorch's default.</summary>
    public const double AdamBeta2 = 0.999;

    /// <summary>Adam's ε, PyTorch's default.</summary>
    public const double AdamEpsilon = 1e-8;

    /// <summary>Creates a trainer; the model and data must be on the same device.</summary>
    /// <param name="model">Model mapping <c>[N, 1, 28, 28]</c> float32 to logits <c>[N, 10]</c>.</param>
    /// <param name="data">Images <c>[N, 1, 28, 28]</c> and labels <c>[N]</c>, in file order.</param>
    /// <param name="options">Epochs, batch size, learning rate, train rate.</param>
    /// <exception cref="ArgumentException">The split leaves no training or validation batch.</exception>
    public Trainer(nn.Module<Tensor, Tensor> model, TensorData data, TrainingOptions options)
    {
        _model = model;
        _data = data;
        _options = options;
        _split = BatchSplit.Create(data.Count, options.BatchSize, options.TrainRate);
        // PyTorch's Adam defaults, written out: some TorchSharp versions' factory overloads default beta2 to 0.99.
        _optimizer = optim.Adam(model.parameters(), lr: options.LearningRate, beta1: AdamBeta1, beta2: AdamBeta2, eps: AdamEpsilon);
    }

    /// <summary>The batch split used every epoch.</summary>
    public BatchSplit Split => _split;

    /// <summary>The Adam optimizer (its state is part of a resumable checkpoint).</summary>
    public TorchSharp.Modules.OptimizerHelper Optimizer => _optimizer;

    /// <summary>Metrics of the epochs completed so far.</summary>
    public IReadOnlyList<EpochRecord> History => _history;

    /// <summary>Best epoch so far, or null.</summary>
    public int? BestEpoch => _bestEpoch;

    /// <summary>Best validation accuracy so far (0 when none).</summary>
    public double BestValAcc => _bestEpoch is null ? 0 : _bestValAcc;

    /// <summary>Cloned tensors of the best weights so far (CPU), or null.</summary>
    public IReadOnlyDictionary<string, Tensor>? BestStateDict => _best;

    /// <summary>
    /// Restores the state of an interrupted run: completed epochs and the best weights so far (the model's
    /// and optimizer's own state are loaded by the caller).
    /// </summary>
    public void Restore(IReadOnlyList<EpochRecord> history, int? bestEpoch, Dictionary<string, Tensor>? bestStateDict)
    {
        _history.Clear();
        _history.AddRange(history);
        _bestEpoch = bestEpoch;
        _bestValAcc = bestEpoch is { } b ? history.First(h => h.Epoch == b).ValAcc : double.NegativeInfinity;
        ReplaceBest(bestStateDict);
    }

    /// <summary>Trains until <see cref="TrainingOptions.Epochs"/> epochs are complete, then loads the best weights.</summary>
    /// <param name="reporter">Receives progress, or null.</param>
    /// <param name="epochCompleted">Called after each completed epoch (e.g. to write a checkpoint), or null.</param>
    /// <param name="cancellationToken">Checked between batches; cancellation discards the unfinished epoch.</param>
    /// <returns>History, best epoch and outcome. The model holds the best weights afterwards.</returns>
    public TrainingResult Fit(ITrainingReporter? reporter = null, Action<Trainer>? epochCompleted = null, CancellationToken cancellationToken = default)
    {
        var outcome = TrainingOutcome.Completed;
        string? message = null;
        for (var epoch = _history.Count; epoch < _options.Epochs; epoch++)
        {
            var (record, stop, why) = RunEpoch(epoch, reporter, cancellationToken);
            if (record is null)
            {
                outcome = stop;
                message = why;
                break;
            }

            var isBest = record.ValAcc > _bestValAcc;
            if (isBest)
            {
                _bestValAcc = record.ValAcc;
                _bestEpoch = epoch;
                ReplaceBest(_model.state_dict());
            }

            _history.Add(record);
            reporter?.EpochCompleted(record, isBest);
            epochCompleted?.Invoke(this);
        }

        LoadBest();
        return new TrainingResult(_history.ToList(), _bestEpoch, BestValAcc, outcome, message);
    }

    /// <summary>Loads the best weights into the model, when there are any.</summary>
    public void LoadBest()
    {
        if (_best is not null)
        {
            _model.load_state_dict(_best);
        }
    }

    private (EpochRecord? Record, TrainingOutcome Stop, string? Why) RunEpoch(int epoch, ITrainingReporter? reporter, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        double trainLossSum = 0;
        long trainCorrect = 0;
        long samplesDone = 0;
        _model.train();
        for (var b = 0; b < _split.TrainBatches; b++)
        {
            if (ct.IsCancellationRequested)
            {
                return (null, TrainingOutcome.Interrupted, null);
            }

            var (start, length) = _split.Batch(b);
            using (var scope = NewDisposeScope())
            {
                var (x, y) = _data.Slice(start, length);
                _optimizer.zero_grad();
                var logits = _model.forward(x);
                var loss = nn.functional.cross_entropy(logits, y);
                loss.backward();
                var lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                {
                    return (null, TrainingOutcome.Diverged, string.Create(
                        CultureInfo.InvariantCulture,
                        $"training diverged: loss is {lossValue} at epoch {epoch}, batch {b}; the learning rate ({_options.LearningRate}) is probably too high"));
                }

                try
                {
                    _optimizer.step();
                }
                catch (System.Runtime.InteropServices.ExternalException e)
                {
                    return (null, TrainingOutcome.Diverged, string.Create(
                        CultureInfo.InvariantCulture,
                        $"training diverged: the optimizer step failed at epoch {epoch}, batch {b} ({e.Message.Split('\n')[0]}); the learning rate ({_options.LearningRate}) is probably too high"));
                }

                trainLossSum += lossValue * (double)length;
                trainCorrect += logits.argmax(1).eq(y).sum().item<long>();
            }

            samplesDone += length;
            reporter?.BatchCompleted(epoch, b + 1, _split.BatchCount, samplesDone, watch.Elapsed.TotalSeconds);
        }

        if (ct.IsCancellationRequested)
        {
            return (null, TrainingOutcome.Interrupted, null);
        }

        var val = Evaluator.Predict(_model, _data, _split.ValidationStart, _split.ValidationSamples, _split.BatchSize);
        if (!double.IsFinite(val.LossSum))
        {
            return (null, TrainingOutcome.Diverged, string.Create(
                CultureInfo.InvariantCulture,
                $"training diverged: validation loss is {val.Loss} at epoch {epoch}; the learning rate ({_options.LearningRate}) is probably too high"));
        }

        samplesDone += val.Count;
        reporter?.BatchCompleted(epoch, _split.BatchCount, _split.BatchCount, samplesDone, watch.Elapsed.TotalSeconds);
        watch.Stop();
        var record = new EpochRecord(
            epoch,
            trainLossSum / _split.TrainSamples,
            (double)trainCorrect / _split.TrainSamples,
            val.Loss,
            val.Accuracy,
            watch.Elapsed.TotalSeconds,
            _options.LearningRate);
        return (record, TrainingOutcome.Completed, null);
    }

    private void ReplaceBest(IDictionary<string, Tensor>? stateDict)
    {
        if (_best is not null)
        {
            foreach (var t in _best.Values)
            {
                t.Dispose();
            }
        }

        _best = stateDict?.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }
}
