using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Reliability;

/// <summary>
/// Option values that only the data or the machine can refuse (the ones refused at parse time are in
/// <c>Cli/OptionValidationTests</c>): one line, the documented exit code, and nothing trained.
/// </summary>
[Collection("Torch")]
public sealed class BadOptionReliabilityTests : TestBase
{
    private string Data => Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16);

    private string Run => Path.Combine(TempDir, "run");

    private CliResult Train(params string[] extra) =>
        Cli.Run(["train", "--data-dir", Data, "--epochs", "1", "--seed", "1", "--threads", "1", .. extra]);

    [Fact]
    public void A_batch_size_larger_than_the_data_names_both_numbers()
    {
        var r = Train("--batch-size", "500", "--output", Run);

        Cli.AssertError(r, ExitCodes.InvalidArguments,
            "--batch-size 500: larger than the 320 training images, so they make a single batch and none is left to validate; use a smaller batch size");
        Assert.False(Directory.Exists(Run));
    }

    [Fact]
    public void A_batch_size_equal_to_the_limited_data_names_the_limit()
    {
        var r = Train("--batch-size", "100", "--limit", "100", "--output", Run);

        Cli.AssertError(r, ExitCodes.InvalidArguments,
            "--batch-size 100: as large as the 100 training images (--limit 100), so they make a single batch and none is left to validate; use a smaller batch size");
    }

    [Theory]
    [InlineData("0.99", "--train-rate 0.99 leaves no validation batch: round(20 batches × 0.99) = 20 of 20; use a smaller train rate, more data or a smaller batch size")]
    [InlineData("0.01", "--train-rate 0.01 leaves no training batch: round(20 batches × 0.01) = 0; use a larger train rate, more data or a smaller batch size")]
    public void A_train_rate_that_leaves_no_train_or_validation_batch_is_refused(string rate, string message)
    {
        var r = Train("--batch-size", "16", "--train-rate", rate, "--output", Run);

        Cli.AssertError(r, ExitCodes.InvalidArguments, message);
        Assert.False(Directory.Exists(Run));
    }

    [Fact]
    public void Rates_are_read_with_a_decimal_point_whatever_the_culture()
    {
        // TestBase pins de-DE, where "0.01" would otherwise read as 1 ('.' groups thousands) and "0.75" as 75.
        var r = Train("--batch-size", "16", "--lr", "0.01", "--train-rate", "0.75", "--output", Run);

        Assert.True(r.Code == 0, r.Error);
        Assert.Contains("Adam, learning rate 0.01, 1 epoch", r.Output);
        Assert.Contains("20 batches of 16: 15 batches (240 images) train, 5 batches (80 images) validate", r.Output);
    }

    [Theory]
    [InlineData("--lr", "0,001", "--lr 0,001: expected a number with '.' as the decimal separator, such as 0.001")]
    [InlineData("--train-rate", "0,8", "--train-rate 0,8: expected a number with '.' as the decimal separator, such as 0.8")]
    public void A_decimal_comma_is_refused_rather_than_misread(string option, string value, string message)
    {
        var r = Train(option, value, "--output", Run);

        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.Contains(message, r.Error);
        Assert.False(Directory.Exists(Run));
    }

    [Fact]
    public void Device_cuda_without_cuda_says_so_and_that_auto_falls_back_to_the_cpu()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            Assert.Skip("CUDA is available here");
        }

        var r = Train("--device", "cuda", "--output", Run);

        Cli.AssertError(r, ExitCodes.InvalidArguments,
            "--device cuda: CUDA is not available (no NVIDIA GPU or driver, or this build uses the CPU backend: build with -p:TorchBackend=cuda); use --device cpu, or --device auto to fall back to the CPU");
        Assert.False(Directory.Exists(Run));
    }

    [Fact]
    public void An_existing_non_empty_output_folder_is_refused_unless_overwrite_is_given()
    {
        Directory.CreateDirectory(Run);
        System.IO.File.WriteAllText(Path.Combine(Run, "notes.txt"), "keep me");

        var refused = Train("--batch-size", "16", "--output", Run);

        Cli.AssertError(refused, ExitCodes.OutputError, $"--output {Run}: folder exists and is not empty; choose another folder or add --overwrite");
        Assert.DoesNotContain("Epoch", refused.Output);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Run).Select(Path.GetFileName));

        var overwritten = Train("--batch-size", "16", "--output", Run, "--overwrite");

        Assert.True(overwritten.Code == 0, overwritten.Error);
        Assert.True(System.IO.File.Exists(Path.Combine(Run, "model.dat")));
    }

    [Fact]
    public void An_output_folder_under_a_file_is_reported_before_training()
    {
        var file = Path.Combine(TempDir, "a-file");
        System.IO.File.WriteAllText(file, "not a folder");
        var output = Path.Combine(file, "run");

        var r = Train("--batch-size", "16", "--output", output);

        Cli.AssertError(r, ExitCodes.OutputError, $"--output {output}: cannot write to the folder ({file} is a file, not a folder); choose a writable folder");
        Assert.DoesNotContain("Epoch", r.Output);
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_reported_before_training()
    {
        var file = Path.Combine(TempDir, "a-file");
        System.IO.File.WriteAllText(file, "not a folder");

        var r = Train("--batch-size", "16", "--output", file);

        Cli.AssertError(r, ExitCodes.OutputError, $"--output {file}: is a file; expected a folder");
        Assert.DoesNotContain("Epoch", r.Output);
        Assert.Equal("not a folder", System.IO.File.ReadAllText(file));
    }
}
