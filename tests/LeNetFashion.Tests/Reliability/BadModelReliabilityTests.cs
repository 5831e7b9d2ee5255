using LeNetFashion.Cli;
using LeNetFashion.Runs;
using Xunit;

namespace LeNetFashion.Tests.Reliability;

/// <summary>A small model trained once for <see cref="BadModelReliabilityTests"/>, in its own folder.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    public TrainedModelFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "lenet-tests", "trained-model-" + Guid.NewGuid().ToString("N")[..8]);
        DataDir = Fixtures.SeparableDataset(Path.Combine(Root, "data"), 64, 8);
        RunDir = Path.Combine(Root, "run");
        var r = Cli.Run(CancellationToken.None, "train", "--data-dir", DataDir, "--epochs", "1", "--batch-size", "16", "--seed", "3", "--threads", "1", "--output", RunDir);
        Assert.True(r.Code == 0, r.Error);
    }

    /// <summary>Folder holding everything, deleted afterwards.</summary>
    public string Root { get; }

    /// <summary>The fake data folder the model was trained on.</summary>
    public string DataDir { get; }

    /// <summary>The run folder with <c>model.dat</c> and <c>model.json</c>.</summary>
    public string RunDir { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary><c>eval</c> of a model file that is missing, damaged, not a model, or of another architecture: exit 2, one line.</summary>
[Collection("Torch")]
public sealed class BadModelReliabilityTests(TrainedModelFixture trained) : TestBase, IClassFixture<TrainedModelFixture>
{
    /// <summary>Copies the trained model.dat and model.json into this test's folder and returns the copy of model.dat.</summary>
    private string CopyModel()
    {
        foreach (var name in new[] { "model.dat", "model.json" })
        {
            File.Copy(Path.Combine(trained.RunDir, name), Path.Combine(TempDir, name));
        }

        return Path.Combine(TempDir, "model.dat");
    }

    /// <summary>
    /// Removes the weights' SHA-256 from model.json, as in files written before it was recorded, so that the checks
    /// behind it (format, shapes, finite values) are reached.
    /// </summary>
    private static void ForgetHash(string model)
    {
        var json = ModelStore.MetadataPath(model);
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        Assert.True(node.Remove("model_sha256"));
        File.WriteAllText(json, node.ToJsonString());
    }

    [Fact]
    public void A_model_file_with_one_flipped_bit_is_refused_by_its_recorded_hash()
    {
        var model = CopyModel();
        var bytes = File.ReadAllBytes(model);
        bytes[^1000] ^= 0x04;
        File.WriteAllBytes(model, bytes);

        var r = Eval(model);

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Matches($"^error: {System.Text.RegularExpressions.Regex.Escape(model)}: its SHA-256 is not the one model.json recorded \\([0-9a-f]{{8}}…\\); the file was damaged or replaced after it was written$", Cli.OneLine(r.Error));
    }

    private CliResult Eval(string model) =>
        Cli.Run("eval", "--model", model, "--data-dir", trained.DataDir, "--output", Path.Combine(TempDir, "eval"));

    [Fact]
    public void The_intact_model_evaluates()
    {
        var r = Eval(CopyModel());

        Assert.True(r.Code == 0, r.Error);
        // The fixture's files are not the published ones: eval says so first, then scores them.
        var lines = r.Output.Split('\n');
        Assert.StartsWith("note: t10k-images-idx3-ubyte differs from the published Fashion-MNIST file (sha256 ", lines[0]);
        Assert.EndsWith("); results are not comparable with published ones", lines[0].TrimEnd('\r'));
        Assert.StartsWith("Test accuracy: ", lines.First(l => !l.StartsWith("note: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_missing_model_file_is_named()
    {
        var model = Path.Combine(TempDir, "nope.dat");

        Cli.AssertError(Eval(model), ExitCodes.BadInput, $"{model}: model file not found");
    }

    [Fact]
    public void A_run_folder_given_as_the_model_is_named_with_the_file_to_give()
    {
        Cli.AssertError(Eval(TempDir), ExitCodes.BadInput, $"{TempDir}: is a folder; expected a model file such as {Path.Combine(TempDir, "model.dat")}");
    }

    [Fact]
    public void A_model_file_cut_in_half_is_refused_as_truncated_or_damaged()
    {
        var model = CopyModel();
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        ForgetHash(model);

        Cli.AssertError(Eval(model), ExitCodes.BadInput,
            $"{model}: not a valid 'lenet' weights file (Attempted to read past the end of the stream.); it may be truncated, damaged or of another architecture");
    }

    [Fact]
    public void A_model_with_a_nan_weight_is_refused_naming_the_tensor()
    {
        var model = CopyModel();
        var bytes = File.ReadAllBytes(model);
        BitConverter.GetBytes(float.NaN).CopyTo(bytes, bytes.Length - 4); // the last value of the last tensor, fc.4.bias
        File.WriteAllBytes(model, bytes);
        ForgetHash(model);

        Cli.AssertError(Eval(model), ExitCodes.BadInput,
            $"{model}: 1 of 10 values of 'fc.4.bias' are NaN or infinite; the file is damaged or comes from a run that diverged");
    }

    [Fact]
    public void A_damaged_checkpoint_state_is_refused_on_resume_as_bad_input()
    {
        var run = Path.Combine(TempDir, "run");
        var checkpoint = Path.Combine(run, RunFiles.CheckpointDir);
        Directory.CreateDirectory(checkpoint);
        foreach (var file in Directory.GetFiles(Path.Combine(trained.RunDir, RunFiles.CheckpointDir)))
        {
            File.Copy(file, Path.Combine(checkpoint, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(checkpoint, "state.json"), "{ \"epochs\": ");

        Cli.AssertError(Cli.Run("train", "--resume", run, "--epochs", "2", "--data-dir", trained.DataDir), ExitCodes.BadInput,
            $"--resume {run}: the checkpoint in {checkpoint} is damaged (state.json is not valid JSON at line 1); start a new run or resume another folder");
    }

    [Fact]
    public void Random_bytes_under_the_model_name_are_refused_as_not_a_model()
    {
        var model = CopyModel();
        var bytes = new byte[5000];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(model, bytes);
        ForgetHash(model);

        var r = Eval(model);

        Assert.Equal(ExitCodes.BadInput, r.Code);
        var line = Cli.OneLine(r.Error);
        Assert.StartsWith($"error: {model}: not a valid 'lenet' weights file (", line);
        Assert.EndsWith("); it may be truncated, damaged or of another architecture", line);
    }

    [Fact]
    public void A_model_without_its_metadata_json_is_refused()
    {
        var model = CopyModel();
        File.Delete(Path.Combine(TempDir, "model.json"));

        Cli.AssertError(Eval(model), ExitCodes.BadInput,
            $"{Path.Combine(TempDir, "model.json")}: model metadata not found; expected the JSON that train writes beside the model file");
    }

    [Fact]
    public void A_model_of_another_architecture_is_refused()
    {
        var model = CopyModel();
        var json = Path.Combine(TempDir, "model.json");
        var text = File.ReadAllText(json);
        Assert.Contains("\"architecture\": \"lenet\"", text);
        File.WriteAllText(json, text.Replace("\"architecture\": \"lenet\"", "\"architecture\": \"resnet18\""));

        Cli.AssertError(Eval(model), ExitCodes.BadInput, $"{model}: architecture 'resnet18' is not one this tool knows (lenet, lenet5, bn-cnn)");
    }

    [Fact]
    public void A_stored_input_shape_that_would_allocate_gigabytes_is_refused_before_the_model_is_built()
    {
        var model = CopyModel();
        var json = ModelStore.MetadataPath(model);
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        node["input_shape"] = new System.Text.Json.Nodes.JsonArray(1, 4096, 4096);
        File.WriteAllText(json, node.ToJsonString());

        var r = Eval(model);

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Matches($"^error: {System.Text.RegularExpressions.Regex.Escape(model)}: 'lenet' for input shape \\[1, 4096, 4096\\] and 10 classes has 2,001,500,426 weights, far more than the [0-9,]+-byte file can hold; the stored shape does not belong to these weights$", Cli.OneLine(r.Error));
    }
}
