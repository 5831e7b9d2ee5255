using LeNetFashion.Cli;
using LeNetFashion.Data;
using LeNetFashion.Imaging;
using LeNetFashion.Models;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Imaging;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Reliability;

/// <summary>Hostile inputs a tester found after the first round (issue 18): each refused with one line and the right exit code.</summary>
[Collection("Torch")]
public sealed class HostileInputTests(TrainedModelFixture trained) : TestBase, IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Finite_weights_so_large_that_the_output_overflows_are_refused_when_loading()
    {
        manual_seed(1);
        using var classifier = Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist, Preprocessing.ToTensor);
        using (no_grad())
        {
            classifier.Model.get_parameter("fc.4.weight")!.fill_(3.4e38f);
        }

        var path = TempFile("huge.safetensors");
        SafetensorsFile.Save(path, classifier);

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.Equal($"{path}: the model's output for a mid-grey picture is not a finite number (its weights are finite but so large that float32 overflows); the file is damaged or comes from a run that diverged", e.Message);
    }

    [Fact]
    public void A_device_as_config_or_model_file_is_refused_without_reading_it()
    {
        Cli.AssertError(Cli.Run("train", "--config", "/dev/zero"), ExitCodes.InvalidArguments,
            "--config /dev/zero: more than 1,048,576 bytes (a device?); a configuration is a small JSON file");
        var model = TempFile("model.dat");
        File.CreateSymbolicLink(model, "/dev/zero");
        File.Copy(Path.Combine(trained.RunDir, "model.json"), TempFile("model.json"));
        Cli.AssertError(Cli.Run("predict", "--model", model, "--idx", Path.Combine(trained.DataDir, "t10k-images-idx3-ubyte.gz")), ExitCodes.BadInput,
            $"{model}: empty (0 bytes) or not a regular file (a device or pipe); expected the weights file that train writes");
    }

    [Fact]
    public void Export_writes_only_safetensors_names_and_replaces_a_file_only_with_overwrite()
    {
        var model = Path.Combine(trained.RunDir, "model.dat");
        var other = TempFile("other-run-model.dat");
        File.WriteAllText(other, "someone's model");
        var out1 = TempFile("m.safetensors");

        Cli.AssertError(Cli.Run("export", "--model", model, "--out", other), ExitCodes.OutputError,
            $"--out {other}: expected a file name ending in .safetensors for --format safetensors (the tool tells formats by the extension)");
        Assert.Equal(0, Cli.Run("export", "--model", model, "--out", out1).Code);
        Cli.AssertError(Cli.Run("export", "--model", model, "--out", out1), ExitCodes.OutputError, $"--out {out1}: exists; add --overwrite to replace it");
        Assert.Equal(0, Cli.Run("export", "--model", model, "--out", out1, "--overwrite").Code);
        Assert.Equal("someone's model", File.ReadAllText(other));
    }

    [Fact]
    public void A_large_interlaced_png_is_refused_at_once_instead_of_decoded_once_per_strip()
    {
        var png = Pictures.LargeGreyPng(4200, 4200, 255, new SkiaSharp.SKRectI(1000, 1000, 3000, 3000), 0, interlaced: true);

        var e = Assert.Throws<DataFormatException>(() => ImageInput.Decode("big.png", png, 28, 28, InvertMode.Auto));

        Assert.Equal("big.png: an interlaced 4200 × 4200 PNG; interlaced pictures are read whole, up to 16,777,216 pixels; save it smaller or not interlaced", e.Message);
    }

    [Theory]
    [InlineData(new[] { "a", "b", "a" }, "class names: 'a' is the name of 2 classes; every class needs its own name")]
    [InlineData(new[] { "a", "b\u202Ec" }, "class names: name 1 holds control or formatting characters (terminal escapes, line breaks, direction overrides), which would be printed raw")]
    [InlineData(null, "class names: none (null); expected a list of at least 2 names")]
    public void Class_names_that_are_repeated_hidden_or_missing_are_refused(string[]? names, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => ModelSpec.From(null, names)).Message);

    [Fact]
    public void Unknown_options_are_one_line_and_never_taken_for_pictures()
    {
        Cli.AssertError(Cli.Run("predict", "--model", "m.dat", "--jsn", "x.png"), ExitCodes.InvalidArguments, "unknown option '--jsn'; see --help");
        Cli.AssertError(Cli.Run("train", "--epochz", "3"), ExitCodes.InvalidArguments, "unknown option '--epochz'; did you mean --epochs? (see --help)");
        Cli.AssertError(Cli.Run("trian"), ExitCodes.InvalidArguments, "unknown command or argument 'trian'; did you mean train? (see --help)");
        Cli.AssertError(Cli.Run("--verbose", "train", "--epochs", "1"), ExitCodes.InvalidArguments, "option '--verbose' goes after the verb: lenet-fashion train --verbose …");
        Cli.AssertError(Cli.Run("train", "--optimizer", "--epochs", "1"), ExitCodes.InvalidArguments, "--optimizer: expected a value, found the option --epochs");
        Cli.AssertError(Cli.Run("train", "--seed", "1", "--epochs"), ExitCodes.InvalidArguments, "--epochs: expected a value after it");
        Cli.AssertError(Cli.Run("train", "--epochs", "1", "-o", "--no-tensorboard"), ExitCodes.InvalidArguments, "-o: expected a value, found the option --no-tensorboard");
        Cli.AssertError(Cli.Run("train", "--seed", "1", "--seed", "2"), ExitCodes.InvalidArguments, "--seed: given 2 times; give it once");
        Cli.AssertError(Cli.Run("eval", "--epochs", "3"), ExitCodes.InvalidArguments, "unknown option '--epochs' for eval; it is an option of train (see eval --help)");
        Cli.AssertError(Cli.Run("train", "--", "-o", "foo"), ExitCodes.InvalidArguments,
            "unexpected argument '-o' after --; everything after -- is taken as a value, and this verb takes no more (see --help)");
        Cli.AssertError(Cli.Run("train", "--lr", "1e-320"), ExitCodes.InvalidArguments,
            "--lr (learning_rate) 1E-320: below float32's smallest positive number (1.4e-45), so the weights would never change");
    }

    [Fact]
    public void A_nan_in_the_checkpoint_s_best_weights_is_a_damaged_checkpoint_not_a_nan_model()
    {
        var run = Path.Combine(TempDir, "run");
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 160, 16);
        Assert.Equal(0, Cli.Run("train", "--data-dir", data, "--epochs", "2", "--batch-size", "16", "--seed", "1", "--threads", "1", "--no-tensorboard", "--output", run).Code);
        var model = File.ReadAllBytes(Path.Combine(run, "model.dat"));
        var best = Path.Combine(run, RunFiles.CheckpointDir, "best_weights.weights.safetensors");
        var bytes = File.ReadAllBytes(best);
        var dataStart = 8 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        BitConverter.GetBytes(float.NaN).CopyTo(bytes, dataStart);
        File.WriteAllBytes(best, bytes);

        var r = Cli.Run("train", "--resume", run, "--epochs", "3");

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Matches("^error: --resume .+ is damaged \\(.*best_weights.weights.safetensors: '[^']+' holds NaN or infinite values.*\\); start a new run or resume another folder$", Cli.OneLine(r.Error));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(run, "model.dat")));
    }

    [Theory]
    [InlineData("trainer", "history", "history epoch 0 holds values no run gives (accuracies in [0, 1], losses, seconds and learning rate finite and not negative)")]
    [InlineData("best_weights", "val_acc", "best validation accuracy 2: expected a number in [0, 1]")]
    public void State_json_values_no_run_gives_are_a_damaged_checkpoint(string part, string key, string problem)
    {
        var run = Path.Combine(TempDir, "run");
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 160, 16);
        Assert.Equal(0, Cli.Run("train", "--data-dir", data, "--epochs", "2", "--batch-size", "16", "--seed", "1", "--threads", "1", "--no-tensorboard", "--output", run).Code);
        var statePath = Path.Combine(run, RunFiles.CheckpointDir, "state.json");
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(statePath))!;
        if (key == "history")
        {
            state["states"]![part]![key]![0]!["val_acc"] = 5;
        }
        else
        {
            state["states"]![part]![key] = 2.0;
        }

        File.WriteAllText(statePath, state.ToJsonString());

        var r = Cli.Run("train", "--resume", run, "--epochs", "3");

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Contains(problem, Cli.OneLine(r.Error));
    }

    [Fact]
    public void Resuming_a_fashion_mnist_run_on_a_folder_data_set_is_refused_even_when_changed_data_is_allowed()
    {
        var run = Path.Combine(TempDir, "run");
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 160, 16);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = TrainRun.Execute(new TrainRequest
        {
            DataDir = data,
            Config = new RunConfig { Epochs = 3, BatchSize = 16, Device = LeNetFashion.Runtime.ComputeDevice.Cpu, Threads = 1, Seed = 1 },
            Output = run,
            TensorBoard = false,
        }, new RecordingReporter(cancel, 0), cancel.Token);
        Assert.Equal(LeNetFashion.Training.TrainingOutcome.Interrupted, interrupted.Training.Outcome);
        var folder = Path.Combine(TempDir, "pictures");
        foreach (var part in new[] { "train", "test" })
        {
            foreach (var c in new[] { "a", "b" })
            {
                Directory.CreateDirectory(Path.Combine(folder, part, c));
                for (var i = 0; i < 4; i++)
                {
                    File.WriteAllBytes(Path.Combine(folder, part, c, $"{i}.png"), Pictures.Png(28, 28, SkiaSharp.SKColors.Black, new SkiaSharp.SKRectI(4, 4, 10 + (i * 3), 20), SkiaSharp.SKColors.White));
                }
            }
        }

        Cli.AssertError(Cli.Run("train", "--resume", run, "--data-dir", folder, "--allow-changed-data"), ExitCodes.InvalidArguments,
            $"--data-dir {folder}: a folder data set, but the run in {run} was trained on fashion-mnist; resume it with its own kind of data, or start a new run");
    }

    [Fact]
    public void A_configuration_repeats_an_init_run_only_from_the_same_weights()
    {
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 160, 16);
        string[] Train(string output, params string[] extra) => ["train", "--data-dir", data, "--epochs", "1", "--batch-size", "16", "--threads", "1", "--no-tensorboard", "--output", output, .. extra];
        var a = Path.Combine(TempDir, "a");
        var b = Path.Combine(TempDir, "b");
        Assert.Equal(0, Cli.Run(Train(a, "--seed", "1")).Code);
        Assert.Equal(0, Cli.Run(Train(b, "--seed", "2", "--init", Path.Combine(a, "model.dat"))).Code);
        var options = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(b, "model.json")))!["options"]!;
        Assert.Matches("^[0-9a-f]{64}$", options["init_sha256"]!.GetValue<string>());

        Assert.Equal(0, Cli.Run(Train(a, "--seed", "3", "--overwrite")).Code); // a's model.dat is now another model
        var r = Cli.Run("train", "--config", Path.Combine(b, "model.json"), "--output", Path.Combine(TempDir, "c"));

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.Matches($"^error: --init {System.Text.RegularExpressions.Regex.Escape(Path.Combine(a, "model.dat"))}: its SHA-256 is [0-9a-f]{{8}}…, but the configuration recorded [0-9a-f]{{8}}… \\(the file changed since that run, so the run would not repeat\\); start from the same file, or remove init_sha256 from the configuration$", Cli.OneLine(r.Error));
    }
}
