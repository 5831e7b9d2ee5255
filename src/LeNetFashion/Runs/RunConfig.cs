using LeNetFashion.Models;
using LeNetFashion.Runtime;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// Everything that decides what a training run computes: the one configuration of a run. The command line
/// fills it; <see cref="TrainRun.Resolve"/> resolves it (seed drawn, device and threads chosen) before anything
/// runs, or reads it back from a checkpoint for <c>--resume</c>; the resolved configuration is written as-is into
/// <c>model.json</c> and <c>checkpoint/state.json</c> (key <c>options</c>, snake_case) and is the only source for
/// the console, the trainer and the reports. Defaults are the tutorial's (LeNet, 25 epochs, batch 64, 80/20 batch
/// split, Adam with learning rate 0.001). Files written before a field existed read back with its default.
/// </summary>
public sealed record RunConfig
{
    /// <summary>Data set name (see <see cref="Data.Datasets"/>): <c>fashion-mnist</c> or <c>mnist</c>.</summary>
    public string Dataset { get; init; } = Data.Datasets.FashionMnist.Name;

    /// <summary>Architecture name (see <see cref="Architectures"/>).</summary>
    public string Architecture { get; init; } = Architectures.Default.Name;

    /// <summary>Number of epochs, at least 1.</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>Samples per batch, at least 1; the last batch may be smaller.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Initial learning rate, positive and finite.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>Fraction of batches that train, strictly between 0 and 1; the rest validate.</summary>
    public double TrainRate { get; init; } = 0.8;

    /// <summary>Optimizer name (see <see cref="Optimizers"/>).</summary>
    public string Optimizer { get; init; } = Optimizers.Adam;

    /// <summary>SGD momentum factor (PyTorch's default 0); not used by Adam and AdamW.</summary>
    public double Momentum { get; init; }

    /// <summary>Weight decay; null = the optimizer's PyTorch default (0 for Adam and SGD, 0.01 for AdamW).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Learning-rate schedule name (see <see cref="LrSchedules"/>).</summary>
    public string LrSchedule { get; init; } = LrSchedules.None;

    /// <summary>StepLR: epochs between decays, at least 1.</summary>
    public int StepSize { get; init; } = 10;

    /// <summary>StepLR: factor applied at each decay (PyTorch's default 0.1).</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Early stopping: epochs without a higher validation accuracy that end the run, or null for none.</summary>
    public int? Patience { get; init; }

    /// <summary>Reshuffle the training part of the split every epoch (from <see cref="Seed"/>).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Random 2-pixel crop and horizontal flip on training batches.</summary>
    public bool Augment { get; init; }

    /// <summary>Standardise inputs with the mean and standard deviation of the training part of the split.</summary>
    public bool Normalize { get; init; }

    /// <summary>Seed of the torch generator (weight initialisation); null before resolution = draw one.</summary>
    public long? Seed { get; init; }

    /// <summary>Model file whose weights start the training (<c>--init</c>, e.g. a <c>.safetensors</c> file; full path), or null for a fresh initialisation.</summary>
    public string? Init { get; init; }

    /// <summary>Only the first N training images are used, or null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Device; never <see cref="ComputeDevice.Auto"/> once resolved.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>LibTorch CPU threads; null before resolution = all logical cores.</summary>
    public int? Threads { get; init; }

    /// <summary>The optimizer's settings from this configuration.</summary>
    public OptimizerSettings OptimizerSettings() => new(LearningRate, Momentum, WeightDecay);

    /// <summary>The schedule's settings from this configuration.</summary>
    public LrScheduleSettings LrScheduleSettings() => new(Epochs, StepSize, Gamma);

    /// <summary>The trainer's batch options from this configuration (seed resolved).</summary>
    public TrainerOptions TrainerOptions() => new(Seed ?? 0, Shuffle, Augment);
}
