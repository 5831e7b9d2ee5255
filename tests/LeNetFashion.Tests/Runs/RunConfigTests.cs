using LeNetFashion.Cli;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reliability;
using Xunit;

namespace LeNetFashion.Tests.Runs;

/// <summary><c>train --config</c>: the schema of model.json's <c>options</c>, command-line overrides, the library's checks.</summary>
[Collection("Torch")]
public sealed class RunConfigTests : TestBase
{
    private string Data => Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 160, 16);

    [Fact]
    public void Train_with_a_model_json_as_config_repeats_that_run_to_the_byte()
    {
        var a = Path.Combine(TempDir, "a");
        var first = Reliability.Cli.Run("train", "--data-dir", Data, "--arch", "lenet5", "--epochs", "3", "--batch-size", "16", "--shuffle", "--augment", "--lr-schedule", "cosine", "--seed", "4", "--threads", "1", "--output", a);
        Assert.True(first.Code == 0, first.Error);

        var b = Path.Combine(TempDir, "b");
        var again = Reliability.Cli.Run("train", "--config", Path.Combine(a, RunFiles.ModelJson), "--data-dir", Data, "--output", b);

        Assert.True(again.Code == 0, again.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, RunFiles.Model)), File.ReadAllBytes(Path.Combine(b, RunFiles.Model)));
        Assert.Equal(ModelStore.LoadMetadata(Path.Combine(a, RunFiles.Model)).Options, ModelStore.LoadMetadata(Path.Combine(b, RunFiles.Model)).Options);
    }

    [Fact]
    public void Options_on_the_command_line_override_the_file_and_the_rest_keep_its_values()
    {
        var file = TempFile("run.json");
        File.WriteAllText(file, """{ "architecture": "lenet5", "epochs": 5, "batch_size": 8, "learning_rate": 0.002, "seed": 9, "threads": 1 }""");

        var r = Reliability.Cli.Run("train", "--config", file, "--data-dir", Data, "--epochs", "1", "--output", Path.Combine(TempDir, "run"));

        Assert.True(r.Code == 0, r.Error);
        var options = ModelStore.LoadMetadata(Path.Combine(TempDir, "run", RunFiles.Model)).Options!;
        Assert.Equal(("lenet5", 1, 8, 0.002, 9L, 1), (options.Architecture, options.Epochs, options.BatchSize, options.LearningRate, options.Seed!.Value, options.Threads!.Value));
    }

    [Fact]
    public void An_object_with_an_options_block_is_read_as_model_json_is()
    {
        var file = TempFile("run.json");
        File.WriteAllText(file, """{ "options": { "epochs": 1, "batch_size": 8, "seed": 2, "threads": 1 } }""");

        var r = Reliability.Cli.Run("train", "--config", file, "--data-dir", Data, "--output", Path.Combine(TempDir, "run"));

        Assert.True(r.Code == 0, r.Error);
        Assert.Equal((1, 8), (ModelStore.LoadMetadata(Path.Combine(TempDir, "run", RunFiles.Model)).Options!.Epochs, ModelStore.LoadMetadata(Path.Combine(TempDir, "run", RunFiles.Model)).Options!.BatchSize));
    }

    [Theory]
    [InlineData("""{ "learning_rat": 0.1 }""", "line 1, $.learning_rat: The JSON property 'learning_rat' is not a setting (see the options of model.json)")]
    [InlineData("""{ "epochs": "ten" }""", "line 1, $.epochs: The JSON value could not be converted to a whole number")]
    [InlineData("""[1, 2]""", "expected a JSON object with the options of model.json, found array")]
    [InlineData("""{ "epochs": 2""", "line 1: '2' is an invalid end of a number")]
    [InlineData("""{ "epochs": 1, "epochs": 2 }""", "Duplicate")]
    public void A_config_file_that_does_not_fit_the_schema_is_one_line_naming_the_file(string json, string what)
    {
        var file = TempFile("bad.json");
        File.WriteAllText(file, json);

        var r = Reliability.Cli.Run("train", "--config", file, "--output", Path.Combine(TempDir, "run"));

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.StartsWith($"error: --config {file}: ", Reliability.Cli.OneLine(r.Error));
        Assert.Contains(what, Reliability.Cli.OneLine(r.Error));
        Assert.False(Directory.Exists(Path.Combine(TempDir, "run")));
    }

    [Theory]
    [InlineData("""{ "optimizer": "adam", "momentum": 0.9 }""", "--momentum: only SGD has momentum; add --optimizer sgd (Adam and AdamW use their betas)")]
    [InlineData("""{ "step_size": 3 }""", "--step-size: only the step schedule uses it; add --lr-schedule step")]
    [InlineData("""{ "learning_rate": -1 }""", "--lr (learning_rate) -1: expected a positive finite number")]
    [InlineData("""{ "threads": 100000 }""", "--threads 100000: expected 1 to ")]
    [InlineData("""{ "architecture": "resnet" }""", "--arch resnet: expected one of lenet, lenet5, bn-cnn")]
    public void The_library_checks_a_file_as_the_command_line_is_checked(string json, string message)
    {
        var file = TempFile("run.json");
        File.WriteAllText(file, json);

        var r = Reliability.Cli.Run("train", "--config", file, "--data-dir", Data, "--output", Path.Combine(TempDir, "run"));

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.StartsWith($"error: --config {file}: " + message, Reliability.Cli.OneLine(r.Error));
    }

    [Fact]
    public void Init_from_a_normalized_model_keeps_its_preprocessing_in_a_run_without_normalize()
    {
        var first = Path.Combine(TempDir, "first");
        Assert.Equal(0, Reliability.Cli.Run("train", "--data-dir", Data, "--epochs", "1", "--batch-size", "16", "--normalize", "--seed", "1", "--threads", "1", "--output", first).Code);
        var stored = ModelStore.LoadMetadata(Path.Combine(first, RunFiles.Model)).Preprocessing!;

        var second = Path.Combine(TempDir, "second");
        var r = Reliability.Cli.Run("train", "--data-dir", Data, "--epochs", "1", "--batch-size", "16", "--init", Path.Combine(first, RunFiles.Model), "--seed", "1", "--threads", "1", "--output", second);

        Assert.True(r.Code == 0, r.Error);
        Assert.Contains("(kept from the --init model, whose weights were trained with it)", r.Output);
        Assert.Equal(stored, ModelStore.LoadMetadata(Path.Combine(second, RunFiles.Model)).Preprocessing);
        Assert.NotNull(stored.Mean);
    }
}
