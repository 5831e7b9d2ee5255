using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Reliability;

/// <summary>
/// The run folder and the options around it: one run at a time per folder, <c>--overwrite</c> replaces the
/// previous run's outputs only, <c>--resume</c> refuses options it would ignore, odd paths and input sizes get
/// one clear line.
/// </summary>
[Collection("Torch")]
public sealed class RunFolderReliabilityTests : TestBase
{
    private string Data => Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16);

    private string Run => Path.Combine(TempDir, "run");

    private CliResult Train(params string[] extra) =>
        Cli.Run(["train", "--data-dir", Data, "--batch-size", "16", "--seed", "1", "--threads", "1", .. extra]);

    [Fact]
    public void A_run_folder_in_use_by_another_run_is_refused_before_training()
    {
        Directory.CreateDirectory(Run);
        using (new FileStream(Path.Combine(Run, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var r = Train("--epochs", "1", "--output", Run, "--overwrite");

            Cli.AssertError(r, ExitCodes.OutputError,
                $"--output {Run}: another run of the tool (train or eval) is writing to this folder; wait for it to end or choose another folder");
            Assert.DoesNotContain("Epoch 0/", r.Output);
        }
    }

    [Fact]
    public void A_folder_holding_only_the_lock_of_a_killed_run_is_reused_and_one_held_by_a_live_run_is_named_as_such()
    {
        // kill -9 before the first output leaves only .lock (DeleteOnClose never ran); nothing else is in the folder.
        Directory.CreateDirectory(Run);
        File.WriteAllText(Path.Combine(Run, ".lock"), string.Empty);
        var r = Train("--epochs", "1", "--output", Run);
        Assert.True(r.Code == 0, r.Error);
        Assert.True(File.Exists(Path.Combine(Run, "model.dat")));

        var other = Path.Combine(TempDir, "other");
        Directory.CreateDirectory(other);
        using (new FileStream(Path.Combine(other, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            Cli.AssertError(Train("--epochs", "1", "--output", other), ExitCodes.OutputError,
                $"--output {other}: another run of the tool (train or eval) is writing to this folder; wait for it to end or choose another folder");
        }
    }

    [Fact]
    public void Eval_into_a_folder_another_eval_is_writing_or_into_a_training_run_s_folder_is_refused_and_changes_nothing()
    {
        Assert.Equal(0, Train("--epochs", "1", "--output", Run).Code);
        var model = Path.Combine(Run, "model.dat");
        var report = File.ReadAllBytes(Path.Combine(Run, "report.html"));

        // Into the training run's own folder: its report.html would be replaced.
        var intoRun = Cli.Run("eval", "--model", model, "--data-dir", Data, "--output", Run);
        Cli.AssertError(intoRun, ExitCodes.InvalidArguments,
            $"--output {Run}: holds a training run (model.json, history.csv); eval's report.html and confusion matrices would replace the run's own; choose another folder (by default eval writes into the run's eval-test/)");
        Assert.Equal(report, File.ReadAllBytes(Path.Combine(Run, "report.html")));

        // While another eval holds the folder (its lock), a second one writes nothing there.
        var shared = Path.Combine(TempDir, "shared-eval");
        Directory.CreateDirectory(shared);
        using (new FileStream(Path.Combine(shared, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            Cli.AssertError(Cli.Run("eval", "--model", model, "--data-dir", Data, "--output", shared), ExitCodes.OutputError,
                $"--output {shared}: another run of the tool (train or eval) is writing to this folder; wait for it to end or choose another folder");
            Assert.Equal([".lock"], Directory.GetFileSystemEntries(shared).Select(Path.GetFileName));
        }

        var after = Cli.Run("eval", "--model", model, "--data-dir", Data, "--output", shared);
        Assert.True(after.Code == 0, after.Error);
        Assert.True(File.Exists(Path.Combine(shared, "metrics.json")));
        Assert.False(File.Exists(Path.Combine(shared, ".lock")));
    }

    [Fact]
    public void Overwrite_replaces_the_previous_runs_outputs_and_keeps_every_file_the_tool_did_not_write()
    {
        Assert.Equal(0, Train("--epochs", "1", "--output", Run).Code);
        Assert.Equal(0, Cli.Run("eval", "--model", Path.Combine(Run, "model.dat"), "--data-dir", Data, "--split", "val").Code);
        File.WriteAllText(Path.Combine(Run, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(Run, "checkpoint", "important-weights.bin"), "mine too");
        File.WriteAllText(Path.Combine(Run, "eval-val", "notes.txt"), "and this");

        var r = Train("--epochs", "1", "--output", Run, "--overwrite", "--lr", "0.01");

        Assert.Equal(0, r.Code);
        Assert.Contains("--overwrite: the previous run's ", r.Output);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Run, "notes.txt")));
        Assert.Equal("mine too", File.ReadAllText(Path.Combine(Run, "checkpoint", "important-weights.bin")));
        Assert.Equal(["notes.txt"], Directory.GetFiles(Path.Combine(Run, "eval-val")).Select(Path.GetFileName));
        Assert.Contains("\"learning_rate\": 0.01", File.ReadAllText(Path.Combine(Run, "model.json")));
        Assert.False(Directory.Exists(Path.Combine(Run, LeNetFashion.Runs.RunFolder.ReplacedDir)));
        Assert.False(File.Exists(Path.Combine(Run, ".lock")));
    }

    [Fact]
    public void Overwrite_by_a_run_that_diverges_before_its_first_model_keeps_the_old_run_restorable()
    {
        Assert.Equal(0, Train("--epochs", "1", "--output", Run).Code);
        var oldModel = File.ReadAllBytes(Path.Combine(Run, "model.dat"));

        var r = Train("--epochs", "1", "--output", Run, "--overwrite", "--lr", "1e37");

        Assert.Equal(ExitCodes.Diverged, r.Code);
        var kept = Path.Combine(Run, LeNetFashion.Runs.RunFolder.ReplacedDir);
        Assert.EndsWith($"; the run --overwrite replaced is kept in {kept} (move its files back to restore it)", Cli.OneLine(r.Error));
        Assert.Equal(oldModel, File.ReadAllBytes(Path.Combine(kept, "model.dat")));
        Assert.True(File.Exists(Path.Combine(kept, "checkpoint", "state.json")));

        // A second failed --overwrite keeps the same old run; a successful one then replaces it.
        Assert.Equal(ExitCodes.Diverged, Train("--epochs", "1", "--output", Run, "--overwrite", "--lr", "1e37").Code);
        Assert.Equal(oldModel, File.ReadAllBytes(Path.Combine(kept, "model.dat")));
        Assert.Equal(0, Train("--epochs", "1", "--output", Run, "--overwrite").Code);
        Assert.False(Directory.Exists(kept));
    }

    [Fact]
    public void Resume_refuses_options_it_would_ignore()
    {
        var r = Cli.Run("train", "--resume", Run, "--lr", "0.5", "--seed", "9", "--epochs", "4");

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.Contains("--resume continues with the run's own options; remove --lr, --seed (only --epochs, --data-dir, --test-dir, --kernels, --allow-changed-data and --no-tensorboard may be given with --resume)", r.Error);
    }

    [Fact]
    public void Resume_with_fewer_epochs_than_completed_says_so()
    {
        Assert.Equal(0, Train("--epochs", "2", "--output", Run).Code);

        var r = Cli.Run("train", "--resume", Run, "--epochs", "1");

        Cli.AssertError(r, ExitCodes.InvalidArguments,
            $"--epochs 1: the run in {Run} has already completed 2 epoch(s); give more epochs to continue it");
    }

    [Fact]
    public void Resume_of_a_missing_folder_is_an_invalid_argument()
    {
        var missing = Path.Combine(TempDir, "nothere");
        var r = Cli.Run("train", "--resume", missing);

        Cli.AssertError(r, ExitCodes.InvalidArguments, $"--resume {missing}: folder not found; expected the folder of an interrupted train run");
    }

    [Theory]
    [InlineData("--output")]
    [InlineData("--data-dir")]
    public void An_empty_path_is_refused_at_parse_time(string option)
    {
        var r = Cli.Run("train", option, "");

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.Contains($"{option}: empty value; expected a path", r.Error);
        Assert.DoesNotContain("Usage:", r.Output + r.Error);
    }

    [Fact]
    public void A_data_dir_that_is_a_file_says_so()
    {
        var file = Path.Combine(TempDir, "afile");
        File.WriteAllText(file, "x");
        var r = Cli.Run("train", "--data-dir", file);

        Cli.AssertError(r, ExitCodes.BadInput,
            $"--data-dir {file}: is a file; expected a folder; expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (or train-images.idx3-ubyte[.gz] and train-labels.idx1-ubyte[.gz]) (get them with: bash scripts/get-data.sh)");
    }

    [Fact]
    public void An_input_size_the_architecture_cannot_take_is_one_line()
    {
        var r = Cli.Run("summarize", "--input-size", "1,32,32");

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.StartsWith("error: --input-size 1,32,32: the lenet architecture cannot take this input (", Cli.OneLine(r.Error));
        Assert.EndsWith("; it expects 1,28,28", Cli.OneLine(r.Error));
    }

    [Fact]
    public void Eval_output_that_is_a_file_says_so()
    {
        Assert.Equal(0, Train("--epochs", "1", "--output", Run).Code);
        var file = Path.Combine(TempDir, "afile");
        File.WriteAllText(file, "x");

        var r = Cli.Run("eval", "--model", Path.Combine(Run, "model.dat"), "--data-dir", Data, "--output", file);

        Cli.AssertError(r, ExitCodes.OutputError, $"--output {file}: is a file; expected a folder");
    }

    [Fact]
    public void Resume_from_a_damaged_checkpoint_is_one_line()
    {
        Assert.Equal(0, Train("--epochs", "1", "--output", Run).Code);
        var last = Path.Combine(Run, "checkpoint", "trainer.model.safetensors");
        File.WriteAllBytes(last, File.ReadAllBytes(last)[..100]);

        var r = Cli.Run("train", "--resume", Run, "--epochs", "2");

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.StartsWith($"error: --resume {Run}: the checkpoint in {Path.Combine(Run, "checkpoint")} is damaged (", Cli.OneLine(r.Error));
    }
}
