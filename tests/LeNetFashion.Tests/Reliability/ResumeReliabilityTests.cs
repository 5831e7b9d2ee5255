using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using LeNetFashion.Training;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Reliability;

/// <summary>
/// On the CPU with a fixed seed, a run is reproducible, and a run interrupted after an epoch and resumed ends
/// with exactly the metrics and weights of a run that was never interrupted.
/// </summary>
[Collection("Torch")]
public sealed class ResumeReliabilityTests : TestBase
{
    private const int Epochs = 4;

    private TrainRequest Options(string output, int epochs = Epochs) => new()
    {
        DataDir = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16),
        Config = new RunConfig { Epochs = epochs, BatchSize = 16, LearningRate = 0.001, Device = ComputeDevice.Cpu, Threads = 1, Seed = 7 },
        Output = Path.Combine(TempDir, output),
    };

    private static TrainRunResult Execute(TrainRequest options, CancellationTokenSource? cancel = null, int cancelAfterEpoch = -1) =>
        TrainRun.Execute(options, new RecordingReporter(cancel, cancelAfterEpoch), cancel?.Token ?? TestContext.Current.CancellationToken);

    /// <summary>Every history column but <c>seconds</c>, bitwise.</summary>
    private static void AssertSameMetrics(string expectedRun, string actualRun)
    {
        static object[] Metrics(EpochRecord r) => [r.Epoch, r.TrainLoss, r.TrainAcc, r.ValLoss, r.ValAcc, r.LearningRate];
        var expected = HistoryCsv.Read(Path.Combine(expectedRun, RunFiles.History));
        var actual = HistoryCsv.Read(Path.Combine(actualRun, RunFiles.History));
        Assert.Equal(Epochs, expected.Count);
        Assert.Equal(expected.Select(Metrics), actual.Select(Metrics));
    }

    private static void AssertSameWeights(string expectedRun, string actualRun)
    {
        var (a, _) = ModelStore.Load(Path.Combine(expectedRun, RunFiles.Model));
        var (b, _) = ModelStore.Load(Path.Combine(actualRun, RunFiles.Model));
        using (a)
        using (b)
        {
            Weights.AssertBitwiseEqual(a, b);
        }
    }

    [Fact]
    public void A_run_interrupted_after_epoch_1_and_resumed_ends_exactly_as_an_uninterrupted_run()
    {
        var a = Execute(Options("a"));
        Assert.Equal(TrainingOutcome.Completed, a.Training.Outcome);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = Execute(Options("b"), cancel, cancelAfterEpoch: 1);
        Assert.Equal(TrainingOutcome.Interrupted, interrupted.Training.Outcome);
        Assert.Equal(2, HistoryCsv.Read(Path.Combine(interrupted.OutputDir, RunFiles.History)).Count);

        var resumed = Execute(new TrainRequest { Resume = interrupted.OutputDir });

        Assert.Equal(TrainingOutcome.Completed, resumed.Training.Outcome);
        Assert.Equal(a.TestAccuracy, resumed.TestAccuracy);
        AssertSameMetrics(a.OutputDir, resumed.OutputDir);
        AssertSameWeights(a.OutputDir, resumed.OutputDir);
    }

    /// <summary>
    /// Every registered architecture, with everything random or stateful on (shuffling, augmentation, a cosine schedule,
    /// early stopping; dropout in lenet5 and bn-cnn, batch norm in bn-cnn): interrupted after epoch 1 and resumed, the run
    /// ends with the same model.dat bytes and history as one that was never interrupted.
    /// </summary>
    [Theory]
    [MemberData(nameof(ArchitectureNames))]
    public void Every_architecture_resumed_after_epoch_1_ends_with_the_bytes_of_an_uninterrupted_run(string architecture)
    {
        TrainRequest Request(string output) => Options(output) with
        {
            Config = Options(output).Config with
            {
                Architecture = architecture, Shuffle = true, Augment = true, LrSchedule = LrSchedules.Cosine, Patience = 3, Normalize = true, Seed = 11,
            },
        };

        var a = Execute(Request("a"));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = Execute(Request("b"), cancel, cancelAfterEpoch: 1);
        Assert.Equal(2, Checkpoint.ReadState(interrupted.OutputDir).EpochsCompleted);
        var resumed = Execute(new TrainRequest { Resume = interrupted.OutputDir });

        Assert.Equal(TrainingOutcome.Completed, resumed.Training.Outcome);
        AssertSameMetrics(a.OutputDir, resumed.OutputDir);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.OutputDir, RunFiles.Model)), File.ReadAllBytes(Path.Combine(resumed.OutputDir, RunFiles.Model)));
        Assert.Equal(a.TestAccuracy, resumed.TestAccuracy);
    }

    /// <summary>A caller's callback with state of its own: the training batches it has seen, over every invocation.</summary>
    private sealed class BatchCounter : TrainerCallback, ITrainingState
    {
        public long Batches { get; private set; }

        public string StateKey => "batch_counter";

        public override void OnBatchEnd(Trainer trainer, BatchProgress progress) => Batches++;

        public void SaveState(StateWriter state) => state.Set("batches", Batches);

        public void LoadState(StateReader state) => Batches = state.Get<long>("batches");
    }

    [Fact]
    public void A_callback_with_state_of_its_own_is_saved_and_restored_by_the_checkpoint_unchanged()
    {
        var uninterrupted = new BatchCounter();
        TrainRun.Execute(Options("a"), new RecordingReporter(), TestContext.Current.CancellationToken, [uninterrupted]);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var first = new BatchCounter();
        var interrupted = TrainRun.Execute(Options("b"), new RecordingReporter(cancel, 1), cancel.Token, [first]);
        var saved = Checkpoint.ReadState(interrupted.OutputDir).States!["batch_counter"]["batches"]!.GetValue<long>();
        var second = new BatchCounter();
        TrainRun.Execute(new TrainRequest { Resume = interrupted.OutputDir }, new RecordingReporter(), TestContext.Current.CancellationToken, [second]);

        // 320 images in batches of 16: 16 training batches an epoch, each reported, and the validation reported once.
        Assert.Equal(Epochs * 17, uninterrupted.Batches);
        Assert.Equal(2 * 17, saved);
        Assert.Equal(uninterrupted.Batches, second.Batches);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resuming_a_finished_run_says_it_is_complete_and_changes_nothing(bool earlyStopped)
    {
        var run = Path.Combine(TempDir, "done");
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16);
        string[] patience = earlyStopped ? ["--patience", "1"] : [];
        var first = Cli.Run(["train", "--data-dir", data, "--epochs", "6", "--batch-size", "16", "--seed", "7", "--threads", "1", .. patience, "--output", run]);
        Assert.True(first.Code == 0, first.Error);
        var completed = ModelStore.LoadMetadata(Path.Combine(run, RunFiles.Model)).EpochsCompleted;
        Assert.True(earlyStopped ? completed < 6 : completed == 6, $"{completed} epochs");
        var written = Directory.GetFiles(run, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var again = Cli.Run("train", "--resume", run);

        Assert.Equal(0, again.Code);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(run)} is complete \({(earlyStopped ? "stopped early by --patience" : "every epoch ran")}; best epoch \d+, validation accuracy [01]\.\d{{4}}, test accuracy [01]\.\d{{4}}\); nothing to do; to train longer, add a larger --epochs$", again.Output.Trim());
        Assert.Equal(written, Directory.GetFiles(run, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc));
    }

    [Fact]
    public void Resuming_on_other_data_of_the_same_shape_is_refused_unless_allowed_and_then_said()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = Execute(Options("b"), cancel, cancelAfterEpoch: 1);
        Assert.Equal(TrainingOutcome.Interrupted, interrupted.Training.Outcome);

        // The same files with one training pixel changed, in another folder.
        var other = Path.Combine(TempDir, "other");
        Fixtures.SeparableDataset(other, 320, 16, gzip: false);
        var images = Path.Combine(other, "train-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(images);
        bytes[16 + 100] ^= 0x01;
        File.WriteAllBytes(images, bytes);

        var e = Assert.Throws<LeNetFashion.Data.DataFormatException>(() => Execute(new TrainRequest { Resume = interrupted.OutputDir, DataDir = other }));
        Assert.Matches($"^--resume {System.Text.RegularExpressions.Regex.Escape(interrupted.OutputDir)}: the data differ from those the run was trained on \\(SHA-256 train-images-idx3-ubyte: [0-9a-f]{{8}}… then, [0-9a-f]{{8}}… now\\); resume with the same data, or add --allow-changed-data to continue on these$", e.Message);
        Assert.Equal(2, HistoryCsv.Read(Path.Combine(interrupted.OutputDir, RunFiles.History)).Count);

        var reporter = new RecordingReporter(null, -1);
        var resumed = TrainRun.Execute(new TrainRequest { Resume = interrupted.OutputDir, DataDir = other, AllowChangedData = true }, reporter, TestContext.Current.CancellationToken);

        Assert.Equal(TrainingOutcome.Completed, resumed.Training.Outcome);
        Assert.Contains(reporter.Lines, l => l.StartsWith("note: --allow-changed-data: continuing on data that differ from those the run was trained on (SHA-256 train-images-idx3-ubyte: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("threads", "300", "--threads 300: expected 1 to 256")]
    [InlineData("batch_size", "-5", "--batch-size (batch_size) -5: expected a positive whole number")]
    public void A_state_json_with_options_the_command_line_refuses_is_a_damaged_checkpoint(string key, string value, string problem)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = Execute(Options("b"), cancel, cancelAfterEpoch: 1);
        var state = Path.Combine(interrupted.OutputDir, RunFiles.CheckpointDir, "state.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(state))!;
        node["options"]![key] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(state, node.ToJsonString());

        var e = Assert.Throws<ModelFileException>(() => Execute(new TrainRequest { Resume = interrupted.OutputDir }));

        Assert.Equal($"--resume {interrupted.OutputDir}: the checkpoint in {Path.Combine(interrupted.OutputDir, RunFiles.CheckpointDir)} is damaged (state.json: {problem}); start a new run or resume another folder", e.Message);
    }

    [Fact]
    public void A_checkpoint_of_the_earlier_format_is_one_line_saying_it_cannot_be_resumed_exactly()
    {
        var run = Path.Combine(TempDir, "old");
        Directory.CreateDirectory(Path.Combine(run, RunFiles.CheckpointDir));
        File.WriteAllText(Path.Combine(run, RunFiles.CheckpointDir, "state.json"), """{ "options": { "epochs": 4 }, "data_dir": "/x", "epochs_completed": 2, "best_epoch": 1 }""");

        var e = Assert.Throws<ModelFileException>(() => TrainRun.Resolve(new TrainRequest { Resume = run }));

        Assert.Equal(
            $"--resume {run}: the checkpoint was written by an earlier version of the tool (format 'lenet-fashion-checkpoint/1', expected 'lenet-fashion-checkpoint/2') and cannot be resumed exactly; its model.dat is usable, or start a new run with --init {Path.Combine(run, RunFiles.Model)}",
            e.Message);
    }

    /// <summary>The names of every registered architecture.</summary>
    public static TheoryData<string> ArchitectureNames() => [.. LeNetFashion.Models.Architectures.Names];

    [Fact]
    public void Two_runs_with_the_same_seed_give_identical_metrics_and_weights()
    {
        var first = Execute(Options("first"));
        var second = Execute(Options("second"));

        AssertSameMetrics(first.OutputDir, second.OutputDir);
        AssertSameWeights(first.OutputDir, second.OutputDir);
        Assert.Contains("\"seed\": 7", File.ReadAllText(Path.Combine(second.OutputDir, RunFiles.ModelJson)));
    }

    [Fact]
    public void A_completed_run_leaves_no_temporary_files_or_checkpoint_staging_folders()
    {
        var run = Execute(Options("run", epochs: 2));
        var evalRun = EvalRun.Execute(new EvalRequest { Model = Path.Combine(run.OutputDir, RunFiles.Model), DataDir = Path.Combine(TempDir, "data"), Device = ComputeDevice.Cpu });

        Assert.Equal(Path.Combine(run.OutputDir, "eval-test"), evalRun.OutputDir);
        Assert.Empty(Directory.GetFiles(run.OutputDir, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(run.OutputDir, ".*", SearchOption.AllDirectories));
        Assert.Equal(
            ["checkpoint", "confusion-matrix.csv", "confusion-matrix.png", "curves.png", "eval-test", "history.csv", "model.dat", "model.json", "report.html", "samples.png", "tensorboard"],
            Directory.GetFileSystemEntries(run.OutputDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["confusion-matrix-normalized.png", "confusion-matrix.csv", "confusion-matrix.png", "metrics.json", "misclassified.png", "report.html"],
            Directory.GetFileSystemEntries(evalRun.OutputDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["best_weights.weights.safetensors", "optimizer.state.dat", "state.json", "trainer.model.safetensors"],
            Directory.GetFileSystemEntries(Path.Combine(run.OutputDir, RunFiles.CheckpointDir)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
