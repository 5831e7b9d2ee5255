using System.Text.Json;
using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using LeNetFashion.Tests.Reliability;
using LeNetFashion.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Training;

/// <summary>Optimizers, schedules, early stopping, shuffling, augmentation and normalisation, on fixtures.</summary>
[Collection("Torch")]
public sealed class TrainingControlsTests : TestBase
{
    private string Data => Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 32);

    private TrainRequest Request(string output, RunConfig config) => new()
    {
        DataDir = Data,
        Config = config with { BatchSize = 16, Device = ComputeDevice.Cpu, Threads = 1, Seed = config.Seed ?? 7 },
        Output = Path.Combine(TempDir, output),
    };

    private static TrainRunResult Execute(TrainRequest request, CancellationTokenSource? cancel = null, int cancelAfterEpoch = -1) =>
        TrainRun.Execute(request, new RecordingReporter(cancel, cancelAfterEpoch), cancel?.Token ?? TestContext.Current.CancellationToken);

    [Fact]
    public void Step_schedule_learning_rates_are_the_formulas_lr_times_gamma_to_the_floor_of_epoch_over_step_size()
    {
        var run = Execute(Request("run", new RunConfig { Epochs = 5, Optimizer = Optimizers.Sgd, LearningRate = 0.1, LrSchedule = LrSchedules.Step, StepSize = 2, Gamma = 0.5 }));
        var expected = Enumerable.Range(0, 5).Select(e => 0.1 * Math.Pow(0.5, e / 2)).ToArray();
        Assert.Equal(expected, run.Training.History.Select(h => h.LearningRate), new Tolerance(1e-15));
    }

    [Fact]
    public void Cosine_schedule_learning_rates_follow_half_a_cosine_over_the_runs_epochs()
    {
        var run = Execute(Request("run", new RunConfig { Epochs = 4, Optimizer = Optimizers.AdamW, LearningRate = 0.01, LrSchedule = LrSchedules.Cosine }));
        var expected = Enumerable.Range(0, 4).Select(e => 0.01 * (1 + Math.Cos(Math.PI * e / 4)) / 2).ToArray();
        Assert.Equal(expected, run.Training.History.Select(h => h.LearningRate), new Tolerance(1e-15));
        Assert.Equal(expected, HistoryCsv.Read(Path.Combine(run.OutputDir, RunFiles.History)).Select(h => h.LearningRate), new Tolerance(1e-15));
    }

    [Fact]
    public void A_run_with_a_schedule_shuffling_and_augmentation_resumed_after_epoch_1_ends_exactly_as_an_uninterrupted_run()
    {
        var config = new RunConfig
        {
            Epochs = 4, Optimizer = Optimizers.Sgd, Momentum = 0.9, LearningRate = 0.02, LrSchedule = LrSchedules.Cosine, Shuffle = true, Augment = true, Normalize = true,
        };
        var a = Execute(Request("a", config));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = Execute(Request("b", config), cancel, cancelAfterEpoch: 1);
        Assert.Equal(TrainingOutcome.Interrupted, interrupted.Training.Outcome);

        var resumed = Execute(new TrainRequest { Resume = interrupted.OutputDir });

        static object[] Metrics(EpochRecord r) => [r.Epoch, r.TrainLoss, r.TrainAcc, r.ValLoss, r.ValAcc, r.LearningRate];
        Assert.Equal(a.Training.History.Select(Metrics), HistoryCsv.Read(Path.Combine(resumed.OutputDir, RunFiles.History)).Select(Metrics));
        Assert.Equal(a.TestAccuracy, resumed.TestAccuracy);
        var (x, _) = ModelStore.Load(Path.Combine(a.OutputDir, RunFiles.Model));
        var (y, _) = ModelStore.Load(Path.Combine(resumed.OutputDir, RunFiles.Model));
        using (x)
        using (y)
        {
            Weights.AssertBitwiseEqual(x, y);
        }
    }

    [Fact]
    public void A_finished_cosine_run_resumed_with_more_epochs_continues_on_the_longer_cosine_not_at_zero()
    {
        var first = Execute(Request("cos", new RunConfig { Epochs = 2, LearningRate = 0.01, LrSchedule = LrSchedules.Cosine }));
        Assert.Equal(TrainingOutcome.Completed, first.Training.Outcome);

        var reporter = new RecordingReporter(null, -1);
        var longer = TrainRun.Execute(new TrainRequest { Resume = first.OutputDir, ResumeEpochs = 4 }, reporter, TestContext.Current.CancellationToken);

        // Epochs 0-1 ran on the 2-epoch cosine; epochs 2-3 follow the 4-epoch cosine (the old optimizer state said 0).
        double[] expected = [0.01, 0.005, 0.01 * (1 + Math.Cos(Math.PI * 2 / 4)) / 2, 0.01 * (1 + Math.Cos(Math.PI * 3 / 4)) / 2];
        Assert.Equal(expected, HistoryCsv.Read(Path.Combine(longer.OutputDir, RunFiles.History)).Select(h => h.LearningRate), new Tolerance(1e-12));
        Assert.Contains(reporter.Lines, l => l.StartsWith("note: the cosine schedule now spans 4 epochs instead of 2; epoch 2 continues at learning rate 0.005", StringComparison.Ordinal));
    }

    [Fact]
    public void Early_stopping_stops_at_the_epoch_where_patience_runs_out_for_a_scripted_sequence()
    {
        double[] valAcc = [0.5, 0.6, 0.6, 0.55, 0.7, 0.7];
        var stopping = new EarlyStopping(patience: 2);
        var trainer = TinyTrainer();
        stopping.OnTrainStart(trainer);
        var stoppedAt = -1;
        for (var e = 0; e < valAcc.Length && stoppedAt < 0; e++)
        {
            stopping.OnEpochEnd(trainer, new EpochRecord(e, 0, 0, 0, valAcc[e], 0, 0));
            stoppedAt = trainer.ShouldStop ? e : -1;
        }

        Assert.Equal(3, stoppedAt); // best 0.6 at epoch 1; epochs 2 and 3 do not beat it
        Assert.Equal(3, stopping.StoppedAfterEpoch);
    }

    [Fact]
    public void Early_stopping_that_never_triggers_still_ends_with_the_best_epochs_weights_and_a_test_evaluation()
    {
        var run = Execute(Request("run", new RunConfig { Epochs = 3, LearningRate = 0.2, TrainRate = 0.5, Patience = 10 }));
        Assert.False(run.Training.StoppedEarly);
        Assert.Equal(run.Training.History.MaxBy(h => h.ValAcc)!.Epoch, run.BestEpoch);
        Assert.NotNull(run.TestAccuracy);
        var eval = EvalRun.Execute(new EvalRequest { Model = Path.Combine(run.OutputDir, RunFiles.Model), DataDir = Data, Device = ComputeDevice.Cpu, Split = EvalSplit.Val });
        Assert.Equal(run.BestValAcc, eval.Confusion.Accuracy);
    }

    [Fact]
    public void Shuffling_changes_the_order_between_epochs_but_only_ever_permutes_the_training_part()
    {
        using var e0 = Trainer.ShuffledOrder(7, 0, 16);
        using var e1 = Trainer.ShuffledOrder(7, 1, 16);
        using var again = Trainer.ShuffledOrder(7, 0, 16);
        var a = e0.data<long>().ToArray();
        var b = e1.data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), a.Order());
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), b.Order());
        Assert.NotEqual(a, b);
        Assert.Equal(a, again.data<long>().ToArray());
    }

    [Fact]
    public void Augmentation_gives_each_image_a_shifted_crop_of_its_padded_self_possibly_flipped()
    {
        // One bright pixel per image at (14, 14): after a crop offset (dy, dx) in 0..4 and a flip it lands at
        // row 14 - dy + 2 and column 14 - dx + 2 (or 27 minus that when flipped); nothing else is bright.
        using var pixels = zeros([8, 1, 28, 28], ScalarType.Byte);
        pixels[TensorIndex.Colon, 0, 14, 14] = tensor((byte)255);
        using var generator = new Generator(3);
        using var augmented = Augmentation.Apply(pixels, generator);
        Assert.Equal([8L, 1, 28, 28], augmented.shape);
        Assert.Equal(ScalarType.Byte, augmented.dtype);
        for (var n = 0; n < 8; n++)
        {
            using var img = augmented[n, 0];
            Assert.Equal(1, img.count_nonzero().item<long>());
            using var where = img.argmax();
            var at = where.item<long>();
            var (row, col) = (at / 28, at % 28);
            Assert.InRange(row, 12, 16);
            Assert.True(col is >= 12 and <= 16 || 27 - col is >= 12 and <= 16, $"column {col}");
        }
    }

    [Fact]
    public void Evaluating_a_model_with_dropout_trained_with_augmentation_twice_gives_identical_numbers()
    {
        var run = Execute(Request("run", new RunConfig { Architecture = "lenet5", Epochs = 2, Augment = true, Shuffle = true }));
        var model = Path.Combine(run.OutputDir, RunFiles.Model);
        var first = EvalRun.Execute(new EvalRequest { Model = model, DataDir = Data, Device = ComputeDevice.Cpu, Output = TempFile("e1") });
        var second = EvalRun.Execute(new EvalRequest { Model = model, DataDir = Data, Device = ComputeDevice.Cpu, Output = TempFile("e2") });
        Assert.Equal(File.ReadAllText(Path.Combine(first.OutputDir, RunFiles.ConfusionCsv)), File.ReadAllText(Path.Combine(second.OutputDir, RunFiles.ConfusionCsv)));
        Assert.Equal(run.TestAccuracy, first.Confusion.Accuracy);
    }

    [Fact]
    public void Normalisation_statistics_are_the_training_parts_mean_and_std_and_eval_reuses_them()
    {
        Assert.Equal(new Preprocessing(0.5, 0.5), Preprocessing.Standardize(new byte[] { 0, 255, 0, 255 }));

        var run = Execute(Request("run", new RunConfig { Epochs = 1, Normalize = true }));
        var set = FashionMnist.Load(Data, DatasetPart.Train);
        var trainSamples = BatchSplit.Create(set.Count, 16, 0.8).TrainSamples;
        var pixels = set.Pixels.Take(trainSamples * 784).Select(p => p / 255.0).ToArray();
        var mean = pixels.Average();
        var std = Math.Sqrt(pixels.Select(p => (p - mean) * (p - mean)).Average());

        var (classifier, metadata) = ModelStore.Load(Path.Combine(run.OutputDir, RunFiles.Model));
        using (classifier)
        {
            Assert.Equal(mean, classifier.Preprocessing.Mean!.Value, 1e-12);
            Assert.Equal(std, classifier.Preprocessing.Std!.Value, 1e-12);
            Assert.Equal(classifier.Preprocessing, metadata.Preprocessing);
        }

        var eval = EvalRun.Execute(new EvalRequest { Model = Path.Combine(run.OutputDir, RunFiles.Model), DataDir = Data, Device = ComputeDevice.Cpu });
        Assert.Equal(run.TestAccuracy, eval.Confusion.Accuracy);
    }

    [Fact]
    public void A_diverging_run_under_sgd_stops_with_the_same_message_and_exit_code_as_under_adam()
    {
        var r = Reliability.Cli.Run("train", "--data-dir", Data, "--arch", "lenet5", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "2", "--batch-size", "16", "--seed", "1", "--threads", "1", "--output", TempFile("run"));
        Assert.Equal(LeNetFashion.Cli.ExitCodes.Diverged, r.Code);
        Assert.Matches(@"^error: training diverged: (loss is (NaN|-?Infinity)|validation loss is (NaN|-?Infinity)) at epoch 0(, batch \d+)?; the learning rate \(1E\+30\) is probably too high; no epoch completed", Reliability.Cli.OneLine(r.Error));
    }

    [Fact]
    public void Label_smoothing_raises_the_training_loss_leaves_the_validation_loss_plain_and_is_recorded()
    {
        var plain = Execute(Request("plain", new RunConfig { Epochs = 1, Threads = 1, Seed = 3 }));
        var smoothed = Execute(Request("smoothed", new RunConfig { Epochs = 1, Threads = 1, Seed = 3, LabelSmoothing = 0.5 }));

        // Same first batch and weights: the smoothed target's cross-entropy is higher; validation is plain cross-entropy
        // in both, so after one epoch of similar training the validation losses are of the same size.
        Assert.True(smoothed.Training.History[0].TrainLoss > plain.Training.History[0].TrainLoss);
        Assert.InRange(smoothed.Training.History[0].ValLoss, 0.5 * plain.Training.History[0].ValLoss, 1.5 * plain.Training.History[0].ValLoss);
        var (_, metadata) = ModelStore.Load(Path.Combine(smoothed.OutputDir, RunFiles.Model));
        Assert.Equal(0.5, metadata.Options!.LabelSmoothing);
        Reliability.Cli.AssertError(Reliability.Cli.Run("train", "--label-smoothing", "1"), 1, "--label-smoothing 1: expected a number from 0 up to (not including) 1 such as 0.1");
    }

    [Fact]
    public void Momentum_without_sgd_is_refused_with_one_line()
    {
        var r = Reliability.Cli.Run("train", "--momentum", "0.9");
        Assert.Equal(1, r.Code);
        Assert.Equal("error: --momentum: only SGD has momentum; add --optimizer sgd (Adam and AdamW use their betas)", Reliability.Cli.OneLine(r.Error));
    }

    private Trainer TinyTrainer()
    {
        var set = FashionMnist.Load(Data, DatasetPart.Train);
        var data = TensorData.FromDataset(set);
        var model = Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist);
        return new Trainer(model, data, BatchSplit.Create(data.Count, 16, 0.8), 10, Optimizers.Create(Optimizers.Adam, model.Model.parameters(), new OptimizerSettings(0.001)));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
