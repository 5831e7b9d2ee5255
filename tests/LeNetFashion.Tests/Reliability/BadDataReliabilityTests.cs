using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Reliability;

/// <summary>
/// Damaged or missing Fashion-MNIST files, end to end through <c>train</c> and <c>eval</c>: exit code 2, one line
/// naming the file, what was found and what was expected, no stack trace, no training and no run folder.
/// The inputs are a small valid folder (raw IDX files) damaged byte by byte.
/// </summary>
[Collection("Torch")]
public sealed class BadDataReliabilityTests : TestBase
{
    private const int TrainCount = 32;
    private const string TrainImages = "train-images-idx3-ubyte";
    private const string TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte";
    private const string TestLabels = "t10k-labels-idx1-ubyte";
    private const string Expected = "; expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (or train-images.idx3-ubyte[.gz] and train-labels.idx1-ubyte[.gz]) (get them with: bash scripts/get-data.sh)";

    private string Data => Path.Combine(TempDir, "data");

    private string File(string name) => Path.Combine(Data, name);

    /// <summary>
    /// Writes a valid raw data folder, damages it as <paramref name="name"/> says, and returns the folder and the expected
    /// message ("…" stands for a part that depends on the compression library).
    /// </summary>
    private (string Dir, string Message) Damage(string name)
    {
        Fixtures.SeparableDataset(Data, TrainCount, 8, gzip: false);
        var images = File(TrainImages);
        var labels = File(TrainLabels);
        var valid = System.IO.File.ReadAllBytes(images);
        void Write(string path, byte[] bytes) => System.IO.File.WriteAllBytes(path, bytes);
        switch (name)
        {
            case "missing directory":
                var nowhere = Path.Combine(TempDir, "nowhere");
                return (nowhere, $"--data-dir {nowhere}: folder not found" + Expected);
            case "missing label file":
                System.IO.File.Delete(labels);
                return (Data, $"--data-dir {Data}: missing train-labels-idx1-ubyte[.gz]" + Expected);
            case "missing test image file":
                System.IO.File.Delete(File(TestImages));
                return (Data, $"--data-dir {Data}: missing t10k-images-idx3-ubyte[.gz]; expected t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] (or t10k-images.idx3-ubyte[.gz] and t10k-labels.idx1-ubyte[.gz]) (get them with: bash scripts/get-data.sh)");
            case "empty file":
                Write(images, []);
                return (Data, $"{images}: empty (0 bytes) or not a regular file (a device or pipe); expected an IDX file");
            case "HTML page saved under the file name":
                Write(images, "<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n"u8.ToArray());
                return (Data, $"{images}: not an IDX file: magic number 0x3C21444F (1008813135), expected 0x00000803 (2051) (the file looks like text or HTML, not IDX)");
            case "reversed magic bytes":
                (valid[0], valid[1], valid[2], valid[3]) = (valid[3], valid[2], valid[1], valid[0]);
                Write(images, valid);
                return (Data, $"{images}: not an IDX file: magic number 0x03080000 (50855936), expected 0x00000803 (2051) (the bytes are reversed: little-endian header?)");
            case "wrong element type":
                valid[2] = 0x0D;
                Write(images, valid);
                return (Data, $"{images}: IDX element type 0x0D, expected 0x08 (unsigned byte); magic number 0x00000D03, expected 0x00000803");
            case "labels where images belong":
                Write(images, System.IO.File.ReadAllBytes(labels));
                return (Data, $"{images}: IDX file has 1 dimension(s), expected 3 (an image file); magic number 0x00000801, expected 0x00000803");
            case "images of 32 by 32":
                Write(images, Fixtures.Images(TrainCount, 32, 32));
                return (Data, $"{images}: images are 32 × 32, the model needs 28 × 28");
            case "truncated file":
                Write(images, valid[..^100]);
                return (Data, $"{images}: truncated: the header [32, 28, 28] needs 25,104 bytes, the file has 25,004");
            case "one label too few":
                Write(labels, Fixtures.Labels([.. Enumerable.Range(0, TrainCount - 1).Select(i => (byte)(i % 2))]));
                return (Data, $"image and label counts disagree: 32 images in {images}, 31 labels in {labels}");
            case "label 10":
                var l = System.IO.File.ReadAllBytes(labels);
                l[8 + 5] = 10;
                Write(labels, l);
                return (Data, $"{labels}: label 10 at index 5 is outside 0–9");
            case "label 255 in the test set":
                var t = System.IO.File.ReadAllBytes(File(TestLabels));
                t[8 + 3] = 255;
                Write(File(TestLabels), t);
                return (Data, $"{File(TestLabels)}: label 255 at index 3 is outside 0–9");
            case "a test set of 0 images":
                Write(File(TestImages), Fixtures.Images(0));
                Write(File(TestLabels), Fixtures.Labels());
                return (Data, $"{File(TestImages)}: 0 images; expected at least one (an empty test set would score 0 of 0)");
            case "corrupt gzip stream":
                var gz = Fixtures.Gzip(valid);
                for (var i = 12; i < gz.Length - 8; i++)
                {
                    gz[i] ^= 0x5A;
                }

                System.IO.File.Delete(images);
                Write(images + ".gz", gz);
                return (Data, $"{images}.gz: corrupt gzip stream (…); download the file again");
            case "truncated gzip stream":
                var cut = Fixtures.Gzip(valid);
                System.IO.File.Delete(images);
                Write(images + ".gz", cut[..(cut.Length / 2)]);
                return (Data, $"{images}.gz: truncated: the header [32, 28, 28] needs 25,104 bytes, the gzip file decompresses to …; the download is probably incomplete, download the file again");
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown case");
        }
    }

    [Theory]
    [InlineData("missing directory")]
    [InlineData("missing label file")]
    [InlineData("missing test image file")]
    [InlineData("empty file")]
    [InlineData("HTML page saved under the file name")]
    [InlineData("reversed magic bytes")]
    [InlineData("wrong element type")]
    [InlineData("a test set of 0 images")]
    [InlineData("labels where images belong")]
    [InlineData("images of 32 by 32")]
    [InlineData("truncated file")]
    [InlineData("one label too few")]
    [InlineData("label 10")]
    [InlineData("label 255 in the test set")]
    [InlineData("corrupt gzip stream")]
    [InlineData("truncated gzip stream")]
    public void Train_refuses_damaged_data_with_exit_code_2_and_one_line_before_creating_the_run_folder(string damage)
    {
        var (dir, message) = Damage(damage);
        var run = Path.Combine(TempDir, "run");

        var r = Cli.Run("train", "--data-dir", dir, "--epochs", "1", "--batch-size", "8", "--output", run);

        if (message.Split('…') is [var prefix, var suffix])
        {
            Assert.Equal(ExitCodes.BadInput, r.Code);
            var line = Cli.OneLine(r.Error);
            Assert.StartsWith("error: " + prefix, line);
            Assert.EndsWith(suffix, line);
        }
        else
        {
            Cli.AssertError(r, ExitCodes.BadInput, message);
        }

        Assert.DoesNotContain("Epoch", r.Output);
        Assert.False(Directory.Exists(run), "a run folder was created for a run that could not start");
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_to_a_data_error()
    {
        var (dir, message) = Damage("truncated file");

        var r = Cli.Run("train", "--data-dir", dir, "--epochs", "1", "--output", Path.Combine(TempDir, "run"), "--verbose");

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.StartsWith("error: LeNetFashion.Data.DataFormatException: " + message, r.Error);
        Assert.Contains("   at ", r.Error);
    }

    [Theory]
    [InlineData("truncated file")]
    [InlineData("label 255 in the test set")]
    public void Eval_refuses_damaged_test_data_with_exit_code_2_and_one_line(string damage)
    {
        var run = Path.Combine(TempDir, "run");
        var good = Fixtures.SeparableDataset(Path.Combine(TempDir, "good"), 64, 8);
        var trained = Cli.Run("train", "--data-dir", good, "--epochs", "1", "--batch-size", "16", "--seed", "1", "--threads", "1", "--output", run);
        Assert.True(trained.Code == 0, trained.Error);
        var (dir, message) = Damage(damage);
        if (damage == "truncated file")
        {
            // The same damage, on the test images that eval reads.
            var path = File(TestImages);
            System.IO.File.WriteAllBytes(path, System.IO.File.ReadAllBytes(path)[..^100]);
            message = $"{path}: truncated: the header [8, 28, 28] needs 6,288 bytes, the file has 6,188";
        }

        var r = Cli.Run("eval", "--model", Path.Combine(run, "model.dat"), "--data-dir", dir, "--output", Path.Combine(TempDir, "eval"));

        Cli.AssertError(r, ExitCodes.BadInput, message);
    }
}
