using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Runtime;
using LeNetFashion.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeNetFashion.Runs;

/// <summary>
/// Everything a configuration turns into before training starts: the classifier (its shapes from the data), the
/// batch split, the optimizer, the learning-rate schedule and a <see cref="Trainer"/> with the callbacks that belong to
/// training itself (best weights, early stopping) followed by the caller's (checkpoints, progress, logs). It builds;
/// it writes nothing and prints nothing, so <c>train</c>, a sweep or a test can each add their own outputs.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private TrainingSession(RunConfig config, Classifier classifier, TensorData train, BatchSplit split, OptimizerHelper optimizer, optim.lr_scheduler.LRScheduler? scheduler, BestWeights best, Trainer trainer)
    {
        Config = config;
        Classifier = classifier;
        Train = train;
        Split = split;
        Optimizer = optimizer;
        Scheduler = scheduler;
        Best = best;
        Trainer = trainer;
    }

    /// <summary>The resolved configuration.</summary>
    public RunConfig Config { get; }

    /// <summary>The model with its shapes and preprocessing.</summary>
    public Classifier Classifier { get; }

    /// <summary>The training images on the run's device, <c>[N, 1, H, W]</c> uint8, and labels.</summary>
    public TensorData Train { get; }

    /// <summary>Which batches train and which validate.</summary>
    public BatchSplit Split { get; }

    /// <summary>The optimizer over the model's parameters.</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>The learning-rate schedule, or null for a constant rate.</summary>
    public optim.lr_scheduler.LRScheduler? Scheduler { get; }

    /// <summary>The best-weights tracker (its epoch and accuracy are the run's result).</summary>
    public BestWeights Best { get; }

    /// <summary>The trainer, ready to <see cref="Trainer.Fit"/>.</summary>
    public Trainer Trainer { get; }

    /// <summary>Builds the session for <paramref name="config"/> (resolved: seed, device and threads set) and <paramref name="data"/>.</summary>
    /// <param name="config">The run's configuration, checked with <see cref="RunConfig.Validate"/>.</param>
    /// <param name="data">Training and test data; the model's shapes come from it.</param>
    /// <param name="init">Weights to start from (<c>--init</c>), of the same architecture and shapes, or null.</param>
    /// <param name="callbacks">The caller's callbacks, called after the session's own (best weights, early stopping).</param>
    /// <param name="plan">What <see cref="Check"/> returned for the same arguments, when the caller already ran it; null to run it here.</param>
    /// <returns>The session; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The configuration is invalid, the batch size does not fit the data, the
    /// architecture cannot take the data's picture size, or the <c>--init</c> model has other shapes.</exception>
    public static TrainingSession Create(RunConfig config, TrainingData data, Classifier? init, IEnumerable<TrainerCallback> callbacks, (BatchSplit Split, Preprocessing Preprocessing)? plan = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        var (split, preprocessing) = plan ?? Check(config, data, init);
        var architecture = Architectures.Get(config.Architecture);
        var device = TorchRuntime.SelectDevice(config.Device);

        TorchRuntime.SetThreads(config.Threads ?? Environment.ProcessorCount);
        manual_seed(config.Seed ?? throw new ArgumentException("the configuration's seed is not resolved"));
        TensorData? train = null;
        Classifier? classifier = null;
        OptimizerHelper? optimizer = null;
        BestWeights? best = null;
        try
        {
            train = TensorData.FromDataset(data.Train, device);
            classifier = Classifier.Create(architecture, data.Spec, preprocessing);
            classifier.UseMemoryFormat(config.MemoryFormat);
            if (init is not null)
            {
                classifier.Model.load_state_dict(init.Model.state_dict());
            }

            classifier.Model.to(device);
            optimizer = Optimizers.Create(config.Optimizer, classifier.Model.parameters(), config.OptimizerSettings());
            var scheduler = LrSchedules.Create(config.LrSchedule, optimizer, config.LrScheduleSettings());
            best = new BestWeights();
            List<TrainerCallback> all = [best];
            if (config.Patience is { } patience)
            {
                all.Add(new EarlyStopping(patience));
            }

            all.AddRange(callbacks);
            var trainer = new Trainer(classifier, train, split, config.Epochs, optimizer, scheduler, all, config.TrainerOptions());
            return new TrainingSession(config, classifier, train, split, optimizer, scheduler, best, trainer);
        }
        catch
        {
            best?.Dispose();
            optimizer?.Dispose();
            classifier?.Dispose();
            train?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks, without building anything, that <paramref name="config"/> fits <paramref name="data"/>: valid values, a
    /// batch size and train rate that leave training and validation batches, pictures the architecture can take,
    /// pixels with a spread for <c>--normalize</c>, and an <c>--init</c> model of the data's shapes. Callers run it
    /// before they create anything on disk.
    /// </summary>
    /// <returns>The batch split and the preprocessing the session will use.</returns>
    /// <exception cref="ArgumentException">The first misfit, in one line naming the option.</exception>
    public static (BatchSplit Split, Preprocessing Preprocessing) Check(RunConfig config, TrainingData data, Classifier? init)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        config.Validate();
        var architecture = Architectures.Get(config.Architecture);
        if (data.Train.Height < architecture.MinSide || data.Train.Width < architecture.MinSide)
        {
            throw new UsageException($"--arch {architecture.Name}: needs pictures of at least {architecture.MinSide} × {architecture.MinSide} pixels; the data are {data.Train.Height} × {data.Train.Width}");
        }

        CheckBatchSize(config.BatchSize, data.Train.Count, config.Limit);
        var split = BatchSplit.Create(data.Train.Count, config.BatchSize, config.TrainRate);
        // --normalize computes this run's statistics; otherwise an --init model keeps the preprocessing its weights
        // were trained with (plain /255 would feed them inputs of another scale).
        var preprocessing = config.Normalize
            ? Preprocessing.Standardize(data.Train.Pixels.AsSpan(0, split.TrainSamples * data.Train.Height * data.Train.Width))
            : init?.Preprocessing ?? Preprocessing.ToTensor;
        preprocessing = preprocessing with { TestTimeAugmentation = TestTimeAugmentation.Normalize(config.Tta) };
        if (init is not null && !init.Spec.SameAs(data.Spec))
        {
            throw new UsageException($"--init {config.Init}: a model for {init.Spec}, but the data are {data.Spec}; start from a model trained on the same classes and picture size");
        }

        return (split, preprocessing);
    }

    /// <summary>Parameters of the model (elements of every trainable tensor).</summary>
    public long ParameterCount => Classifier.Model.parameters().Sum(p => p.numel());

    /// <inheritdoc />
    public void Dispose()
    {
        Best.Dispose();
        Optimizer.Dispose();
        Classifier.Dispose();
        Train.Dispose();
    }

    /// <summary>
    /// Refuses a batch size that the training images cannot fill more than once: one batch can neither train and
    /// validate, and the batch-split message alone ("leaves no validation batch") does not say that the batch is the cause.
    /// </summary>
    /// <exception cref="ArgumentException">The batch size is at least the number of training images.</exception>
    private static void CheckBatchSize(int batchSize, int imageCount, int? limit)
    {
        if (batchSize >= imageCount)
        {
            throw new UsageException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"--batch-size {batchSize}: {(batchSize > imageCount ? "larger than" : "as large as")} the {imageCount:N0} training images{(limit is null ? "" : $" (--limit {limit})")}, so they make a single batch and none is left to validate; use a smaller batch size"));
        }
    }
}
