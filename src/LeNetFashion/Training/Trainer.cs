using System.Diagnostics;
using System.Globalization;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// The tutorial's training loop (<c>train_model</c>): every epoch, the first <see cref="BatchSplit.TrainBatches"/>
/// batches train (train mode, one optimizer step per batch) and the remaining batches validate (eval mode, no
/// gradients, through <see cref="Evaluator"/>). Losses are per sample (batch mean × batch size, summed, divided by
/// samples). The learning-rate scheduler, when there is one, is stepped after each epoch's batches, together with
/// the optimizer's per-batch steps in this one loop (as ML.NET's <c>TorchSharpBaseTrainer</c> does). Everything
/// else (best weights, checkpoints, progress, early stopping) is a <see cref="TrainerCallback"/>.
/// </summary>
public sealed class Trainer : ITrainingState
{
    /// <summary>
    /// Training batches between two collections of .NET's youngest generation, each followed by a wait for the
    /// finalizers it queues (10).
    /// </summary>
    /// <remarks>
    /// TorchSharp leaves some of the native objects a step creates to the .NET finalizer (the count of live tensors
    /// stays constant, so they are not tensors; small objects such as the scalars that operations are given as
    /// doubles are). Until a collection finds them they stay allocated between the step's large activation buffers,
    /// and the freed buffers cannot merge into the next step's: the heap grows in blocks of one activation. bn-cnn's
    /// recipe on 12,800 images (2026-12-01, Intel Xeon AVX-512, tcache off, single runs): 427 → 574 MiB resident over
    /// 8 epochs and 0.9–16.6 k page faults an epoch without these collections; with them 389–402 MiB, and 0 to 340
    /// faults in six of the seven later epochs (one block of 3.2 k). A full collection after every batch gave 362–369 MiB.
    /// Results are bitwise the same: the collections only free memory.
    /// </remarks>
    public const int FinalizerCollectionInterval = 10;

    private readonly Classifier _classifier;
    private readonly TensorData _data;
    private readonly List<EpochRecord> _history = [];
    private readonly double[] _initialRates;

    /// <summary>Creates a trainer; the model and data must be on the same device.</summary>
    /// <param name="classifier">Model and preprocessing; the model maps <c>[N, 1, 28, 28]</c> float32 to logits <c>[N, K]</c>.</param>
    /// <param name="data">Pixels <c>[N, 1, 28, 28]</c> uint8 and labels <c>[N]</c>, in file order.</param>
    /// <param name="split">Which batches train and which validate, every epoch.</param>
    /// <param name="epochs">Total epochs of the run (those already in a restored history included), at least 1.</param>
    /// <param name="optimizer">Optimizer over the model's parameters (<see cref="Optimizers.Create"/>).</param>
    /// <param name="scheduler">Learning-rate scheduler of <paramref name="optimizer"/> (<see cref="LrSchedules.Create"/>), or null.</param>
    /// <param name="callbacks">Called in this order.</param>
    /// <param name="options">Shuffling and augmentation of training batches; none when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is less than 1.</exception>
    public Trainer(
        Classifier classifier,
        TensorData data,
        BatchSplit split,
        int epochs,
        OptimizerHelper optimizer,
        optim.lr_scheduler.LRScheduler? scheduler = null,
        IEnumerable<TrainerCallback>? callbacks = null,
        TrainerOptions? options = null)
    {
        Options = options ?? new TrainerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        _classifier = classifier;
        _data = data;
        Split = split;
        Epochs = epochs;
        Optimizer = optimizer;
        Scheduler = scheduler;
        Callbacks = callbacks?.ToList() ?? [];
        _initialRates = [.. optimizer.ParamGroups.Select(g => g.LearningRate)];
    }

    /// <summary>Shuffling and augmentation of training batches.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model => _classifier.Model;

    /// <summary>The batch split used every epoch.</summary>
    public BatchSplit Split { get; }

    /// <summary>Total epochs of the run; progress displays take their epoch count from here.</summary>
    public int Epochs { get; }

    /// <summary>The optimizer (its state is part of a resumable checkpoint).</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>The learning-rate scheduler, or null for a constant rate.</summary>
    public optim.lr_scheduler.LRScheduler? Scheduler { get; }

    /// <summary>The callbacks, in call order.</summary>
    public IReadOnlyList<TrainerCallback> Callbacks { get; }

    /// <summary>Metrics of the epochs completed so far.</summary>
    public IReadOnlyList<EpochRecord> History => _history;

    /// <summary>The learning rate the optimizer uses now (its first parameter group's).</summary>
    public double LearningRate => Optimizer.ParamGroups.First().LearningRate;

    /// <summary>Set by a callback to end training after the current epoch; the run then ends as completed.</summary>
    public bool ShouldStop { get; set; }

    /// <summary>The first callback of type <typeparamref name="T"/>, or null.</summary>
    public T? Callback<T>()
        where T : TrainerCallback => Callbacks.OfType<T>().FirstOrDefault();

    /// <summary>
    /// Every part of this run with training state, in the order a checkpoint saves and loads them: the optimizer (its
    /// moments, step counts and learning rate), this trainer (epochs, history, model weights, the schedule's position),
    /// then each callback that implements <see cref="ITrainingState"/>, in call order.
    /// </summary>
    public IReadOnlyList<ITrainingState> StatefulParts => [new OptimizerState(Optimizer), this, .. Callbacks.OfType<ITrainingState>()];

    /// <inheritdoc />
    public string StateKey => "trainer";

    /// <summary>Saves the completed epochs (<c>history</c>) and the model's weights (<c>model</c>).</summary>
    public void SaveState(StateWriter state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("epochs_completed", _history.Count);
        state.Set("history", _history);
        state.SetTensors("model", Model.state_dict());
    }

    /// <summary>
    /// Restores the completed epochs and the model's weights, and puts the schedule where it was: the learning rate is
    /// set back to its initial value and the schedule stepped once per completed epoch (so a cosine schedule stretched
    /// to more <c>--epochs</c> continues on the new curve). Load after the optimizer, whose state holds the rate the
    /// schedule had reached.
    /// </summary>
    /// <exception cref="InvalidDataException">Missing entries, or weights that do not fit the model.</exception>
    public void LoadState(StateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var history = state.Get<List<EpochRecord>>("history") ?? throw new InvalidDataException("'history' is missing");
        if (history.Count != state.Get<int>("epochs_completed") || history.Where((r, i) => r.Epoch != i).Any())
        {
            throw new InvalidDataException("the history does not list epochs 0, 1, 2, … up to the completed count");
        }

        // Values a run cannot produce mean an edited or damaged checkpoint; resumed, they would be copied into
        // history.csv and model.json as results.
        if (history.FirstOrDefault(r => !(r.TrainAcc is >= 0 and <= 1) || !(r.ValAcc is >= 0 and <= 1) || !(r.TrainLoss >= 0) || !double.IsFinite(r.TrainLoss)
            || !(r.ValLoss >= 0) || !double.IsFinite(r.ValLoss) || !(r.Seconds >= 0) || !double.IsFinite(r.Seconds) || !(r.LearningRate > 0) || !double.IsFinite(r.LearningRate)) is { } odd)
        {
            throw new InvalidDataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"history epoch {odd.Epoch} holds values no run gives (accuracies in [0, 1], losses, seconds and learning rate finite and not negative)"));
        }

        var weights = state.GetTensors("model");
        try
        {
            using var noGrad = no_grad();
            var (missing, unexpected) = Model.load_state_dict(weights, strict: false);
            if (missing.Count > 0 || unexpected.Count > 0)
            {
                throw new InvalidDataException($"the saved weights do not fit the model (missing {string.Join(", ", missing)}; unexpected {string.Join(", ", unexpected)})");
            }
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }

        _history.Clear();
        _history.AddRange(history);
        foreach (var (group, rate) in Optimizer.ParamGroups.Zip(_initialRates))
        {
            group.LearningRate = rate;
        }

        for (var i = 0; i < history.Count; i++)
        {
            Scheduler?.step();
        }
    }

    /// <summary>Trains until <see cref="Epochs"/> epochs are complete or a callback sets <see cref="ShouldStop"/>.</summary>
    /// <param name="cancellationToken">Checked between batches; cancellation discards the unfinished epoch.</param>
    /// <returns>History and outcome.</returns>
    public TrainingResult Fit(CancellationToken cancellationToken = default)
    {
        ShouldStop = false;
        foreach (var c in Callbacks)
        {
            c.OnTrainStart(this);
        }

        var outcome = TrainingOutcome.Completed;
        string? message = null;
        for (var epoch = _history.Count; epoch < Epochs && !ShouldStop; epoch++)
        {
            var (record, stop, why) = RunEpoch(epoch, cancellationToken);
            if (record is null)
            {
                outcome = stop;
                message = why;
                break;
            }

            Scheduler?.step();
            _history.Add(record);
            foreach (var c in Callbacks)
            {
                c.OnEpochEnd(this, record);
            }
        }

        var result = new TrainingResult(_history.ToList(), outcome, message, StoppedEarly: outcome == TrainingOutcome.Completed && _history.Count < Epochs);
        foreach (var c in Callbacks)
        {
            c.OnTrainEnd(this, result);
        }

        return result;
    }

    private (EpochRecord? Record, TrainingOutcome Stop, string? Why) RunEpoch(int epoch, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var learningRate = LearningRate;
        double trainLossSum = 0;
        long trainCorrect = 0;
        long samplesDone = 0;
        var model = Model;
        model.train();

        // Dropout draws from the global generator; seeding it per epoch makes a resumed epoch draw what it would have.
        manual_seed((long)EpochSeed(epoch, 3));
        using var order = Options.Shuffle ? TrainingOrder(epoch) : null;
        using var augmentRng = Options.Augment ? new Generator(EpochSeed(epoch, 2)) : null;
        for (var b = 0; b < Split.TrainBatches; b++)
        {
            if (ct.IsCancellationRequested)
            {
                return (null, TrainingOutcome.Interrupted, null);
            }

            var (start, length) = Split.Batch(b);
            var batchLoss = double.NaN;
            using (var scope = NewDisposeScope())
            {
                var (x, y) = order is null ? _data.Slice(start, length) : _data.Gather(order.narrow(0, start, length));
                if (augmentRng is not null)
                {
                    x = Augmentation.Apply(x, augmentRng);
                }

                Optimizer.zero_grad();
                var logits = _classifier.Logits(x);
                var loss = Options.LabelSmoothing > 0 ? nn.functional.cross_entropy(logits, y, label_smoothing: Options.LabelSmoothing) : nn.functional.cross_entropy(logits, y);
                loss.backward();
                var lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                {
                    return (null, TrainingOutcome.Diverged, Diverged($"loss is {lossValue} at epoch {epoch}, batch {b}", learningRate));
                }

                try
                {
                    Optimizer.step();
                }
                catch (System.Runtime.InteropServices.ExternalException e)
                {
                    return (null, TrainingOutcome.Diverged, Diverged($"the optimizer step failed at epoch {epoch}, batch {b} ({IO.Messages.FirstLine(e.Message)})", learningRate));
                }

                trainLossSum += lossValue * (double)length;
                batchLoss = lossValue;
                trainCorrect += BatchAccuracy.Correct(logits, y);
            }

            if (b % FinalizerCollectionInterval == FinalizerCollectionInterval - 1)
            {
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
            }

            samplesDone += length;
            ReportBatch(new BatchProgress(epoch, b + 1, Split.BatchCount, samplesDone, watch.Elapsed.TotalSeconds) { Loss = batchLoss });
        }

        if (ct.IsCancellationRequested)
        {
            return (null, TrainingOutcome.Interrupted, null);
        }

        // One view per picture: a model's test-time augmentation (up to 10 views) would multiply the validation's cost
        // every epoch; the run's final validation accuracy is scored with it (RunOutputs.Write).
        var val = Evaluator.Predict(_classifier, _data, Split.ValidationStart, Split.ValidationSamples, Split.BatchSize, testTimeAugmentation: false);
        if (!double.IsFinite(val.LossSum))
        {
            return (null, TrainingOutcome.Diverged, Diverged($"validation loss is {val.Loss} at epoch {epoch}", learningRate));
        }

        samplesDone += val.Count;
        ReportBatch(new BatchProgress(epoch, Split.BatchCount, Split.BatchCount, samplesDone, watch.Elapsed.TotalSeconds));
        watch.Stop();
        var record = new EpochRecord(
            epoch,
            trainLossSum / Split.TrainSamples,
            (double)trainCorrect / Split.TrainSamples,
            val.Loss,
            val.Accuracy,
            watch.Elapsed.TotalSeconds,
            learningRate);
        return (record, TrainingOutcome.Completed, null);
    }

    /// <summary>
    /// The order of the training samples in <paramref name="epoch"/>: a permutation of the split's training part
    /// <c>[0, TrainSamples)</c> only, so validation samples never mix into training. Drawn from the seed and the epoch
    /// number alone, so a resumed run draws the same order.
    /// </summary>
    private Tensor TrainingOrder(int epoch)
    {
        using var perm = ShuffledOrder(Options.Seed, epoch, Split.TrainSamples);
        return perm.to(_data.Labels.device);
    }

    /// <summary>
    /// The order of the training samples in <paramref name="epoch"/> with <c>--shuffle</c>: a permutation of
    /// <c>[0, <paramref name="trainSamples"/>)</c> drawn from <paramref name="seed"/> and the epoch number alone.
    /// </summary>
    /// <returns>Indices <c>[trainSamples]</c> int64 on the CPU, owned by the caller's dispose scope.</returns>
    public static Tensor ShuffledOrder(long seed, int epoch, int trainSamples)
    {
        using var generator = new Generator(EpochSeed(seed, epoch, 1));
        return randperm(trainSamples, generator: generator);
    }

    private ulong EpochSeed(int epoch, int purpose) => EpochSeed(Options.Seed, epoch, purpose);

    /// <summary>A seed for one purpose (1 = order, 2 = augmentation, 3 = the global generator: dropout) in one epoch, mixed from the run's seed (SplitMix64's constants).</summary>
    private static ulong EpochSeed(long seed, int epoch, int purpose)
    {
        unchecked
        {
            var z = ((ulong)seed * 0x9E3779B97F4A7C15UL) + ((ulong)epoch << 8) + (ulong)purpose;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (z ^ (z >> 31)) & 0x7FFF_FFFF_FFFF_FFFFUL;
        }
    }

    private void ReportBatch(BatchProgress progress)
    {
        foreach (var c in Callbacks)
        {
            c.OnBatchEnd(this, progress);
        }
    }

    private static string Diverged(string what, double learningRate) =>
        string.Create(CultureInfo.InvariantCulture, $"training diverged: {what}; the learning rate ({learningRate}) is probably too high");
}
