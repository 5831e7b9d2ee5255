using System.Text.Json;
using LeNetFashion.Cli;
using LeNetFashion.Tests.Imaging;
using LeNetFashion.Tests.Reliability;
using SkiaSharp;
using Xunit;

namespace LeNetFashion.Tests.Cli;

/// <summary><c>predict</c> and <c>export</c> on a small trained model: good and bad files, exit codes, one line per bad file.</summary>
[Collection("Torch")]
public sealed class PredictCommandTests(TrainedModelFixture trained) : TestBase, IClassFixture<TrainedModelFixture>
{
    private string Model => Path.Combine(trained.RunDir, "model.dat");

    private string Picture(string name, byte[] bytes)
    {
        var path = TempFile(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Good_pictures_print_one_line_each_with_the_top_classes_and_exit_0()
    {
        var a = Picture("a.png", Pictures.Png(56, 28, SKColors.White, new SKRectI(14, 8, 42, 20), SKColors.Black));
        var b = Picture("b.png", Pictures.Grey16Png(28, 28, 0x4000));

        var r = Reliability.Cli.Run("predict", "--model", Model, "--top", "2", a, b);

        Assert.True(r.Code == ExitCodes.Success, r.Error);
        Assert.Equal("", r.Error);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{a}: ", lines[0]);
        Assert.EndsWith(" (inverted)", lines[0]);
        Assert.StartsWith($"{b}: ", lines[1]);
        Assert.Equal(2, lines[1].Split(", ").Length);
    }

    [Fact]
    public void Bad_files_get_one_error_line_each_the_others_are_still_classified_and_the_exit_code_is_2()
    {
        var good = Picture("good.png", Pictures.Png(28, 28, SKColors.Black, new SKRectI(8, 2, 20, 26), SKColors.White));
        var text = Picture("notes.png", "not a picture"u8.ToArray());
        var empty = Picture("empty.jpg", []);
        var truncated = Picture("cut.png", Pictures.Png(28, 28, SKColors.Black)[..40]);
        var missing = TempFile("missing.png");

        var r = Reliability.Cli.Run("predict", "--model", Model, "--json", text, good, missing, empty, truncated);

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Equal(
            [
                $"error: {text}: not a picture SkiaSharp can decode; expected a PNG, JPEG, BMP or WebP file",
                $"error: {missing}: file not found",
                $"error: {empty}: file is empty; expected a PNG, JPEG, BMP or WebP picture",
            ],
            r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3));
        Assert.Equal(4, r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith($"error: {truncated}: ", r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[3]);
        var json = JsonDocument.Parse(r.Output.Trim()).RootElement;
        Assert.Equal(good, json.GetProperty("file").GetString());
        Assert.Equal(3, json.GetProperty("top").GetArrayLength());
        Assert.False(json.GetProperty("inverted").GetBoolean());
    }

    [Fact]
    public void An_idx_image_is_classified_as_stored_with_logits_on_request()
    {
        var images = Directory.GetFiles(trained.DataDir, "t10k-images*")[0];

        var r = Reliability.Cli.Run("predict", "--model", Model, "--json", "--logits", "--idx", images, "--index", "2", "--count", "3");

        Assert.True(r.Code == ExitCodes.Success, r.Error);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([2, 3, 4], lines.Select(l => l.GetProperty("index").GetInt32()));
        Assert.All(lines, l => Assert.Equal(10, l.GetProperty("logits").GetArrayLength()));
    }

    [Fact]
    public void An_idx_index_past_the_end_is_one_line_and_exit_2()
    {
        var images = Directory.GetFiles(trained.DataDir, "t10k-images*")[0];

        var r = Reliability.Cli.Run("predict", "--model", Model, "--idx", images, "--index", "8");

        Reliability.Cli.AssertError(r, ExitCodes.BadInput, $"{images}: --index 8 --count 1 asks for images up to 8, but the file has 8 (0 to 7)");
    }

    [Fact]
    public void Predict_without_any_input_is_refused_as_a_command_line_error()
    {
        var r = Reliability.Cli.Run("predict", "--model", Model);

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.Contains("predict: no input; give one or more picture files, or --idx <file> [--index <i>]", r.Error);
    }

    [Fact]
    public void Export_then_predict_from_the_safetensors_file_gives_the_same_probabilities_as_the_original_model()
    {
        var picture = Picture("p.png", Pictures.Png(40, 28, SKColors.White, new SKRectI(10, 4, 30, 24), SKColors.Black));
        var exported = TempFile("m.safetensors");

        var export = Reliability.Cli.Run("export", "--model", Model, "--format", "safetensors", "--out", exported);
        var fromDat = Reliability.Cli.Run("predict", "--model", Model, "--json", "--logits", picture);
        var fromSafetensors = Reliability.Cli.Run("predict", "--model", exported, "--json", "--logits", picture);

        Assert.True(export.Code == 0, export.Error);
        Assert.Equal($"Wrote {exported}: 10 tensors, 44,426 float32 parameters, architecture lenet", export.Output.Trim());
        Assert.Equal(fromDat.Output, fromSafetensors.Output);
    }

    [Fact]
    public void Logits_without_json_is_refused_instead_of_doing_nothing()
    {
        var r = Reliability.Cli.Run("predict", "--model", "m.dat", "--logits", "x.png");

        Assert.Equal(1, r.Code);
        Assert.Contains("--logits: the logits are printed in the JSON lines only; add --json", r.Error);
    }

    [Fact]
    public void Export_onto_the_model_it_reads_or_onto_a_device_is_refused_and_changes_nothing()
    {
        var copy = TempFile("model.dat");
        File.Copy(Model, copy);
        File.Copy(Path.ChangeExtension(Model, ".json"), TempFile("model.json"));
        var before = File.ReadAllBytes(copy);

        Reliability.Cli.AssertError(Reliability.Cli.Run("export", "--model", copy, "--out", copy), ExitCodes.OutputError,
            $"--out {copy}: is the model being exported (or its metadata); choose another file");
        Reliability.Cli.AssertError(Reliability.Cli.Run("export", "--model", copy, "--out", "/dev/null"), ExitCodes.OutputError,
            "--out /dev/null: a device or system file; expected a file name such as model.safetensors");
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Summarize_refuses_an_input_too_large_to_run_instead_of_taking_gigabytes()
    {
        var r = Reliability.Cli.Run("summarize", "--input-size", "1,12000,12000");

        Reliability.Cli.AssertError(r, ExitCodes.InvalidArguments,
            "--input-size 1,12000,12000: at most 4 channels and 512 × 512 pixels (the forward pass of a larger input takes gigabytes); lenet expects 1,28,28");
    }

    [Fact]
    public void A_fashion_mnist_model_trims_by_default_and_save_input_writes_what_the_model_saw()
    {
        // A dark block on a wide white canvas: trimmed (the model's own preparation), the block fills the input;
        // with --prepare none the whole canvas is fitted and the block is a strip in the middle.
        var picture = Picture("wide.png", Pictures.Png(200, 100, SKColors.White, new SKRectI(80, 30, 120, 70), SKColors.Black));
        var trimmedDir = Path.Combine(TempDir, "trimmed");
        var wholeDir = Path.Combine(TempDir, "whole");

        var trimmed = Reliability.Cli.Run("predict", "--model", Model, "--json", "--save-input", trimmedDir, picture);
        var whole = Reliability.Cli.Run("predict", "--model", Model, "--prepare", "none", "--save-input", wholeDir, picture, "--json");

        Assert.True(trimmed.Code == 0, trimmed.Error);
        Assert.True(whole.Code == 0, whole.Error);
        Assert.Equal("fashion-mnist", JsonDocument.Parse(trimmed.Output).RootElement.GetProperty("preparation").GetString());
        Assert.Equal("none", JsonDocument.Parse(whole.Output).RootElement.GetProperty("preparation").GetString());
        using var a = SKBitmap.Decode(Path.Combine(trimmedDir, "wide.png"));
        using var b = SKBitmap.Decode(Path.Combine(wholeDir, "wide.png"));
        Assert.Equal((28, 28), (a.Width, a.Height));
        Assert.Equal(28 * 28, Enumerable.Range(0, 784).Count(i => a.GetPixel(i % 28, i / 28).Red == 255));
        Assert.InRange(Enumerable.Range(0, 784).Count(i => b.GetPixel(i % 28, i / 28).Red > 127), 16, 49); // 40 × 40 of 200 × 100 → a 5.6-pixel square
    }
}
