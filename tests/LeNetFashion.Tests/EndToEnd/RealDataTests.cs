using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using LeNetFashion.Cli;
using LeNetFashion.Data;
using LeNetFashion.Reporting;
using Xunit;

namespace LeNetFashion.Tests.EndToEnd;

/// <summary>
/// Trains briefly on the real Fashion-MNIST (1 epoch, first 6,400 images), then evaluates and summarizes
/// the saved model through the CLI. Skipped when the data is absent, unless LENET_REQUIRE_REAL_DATA=1
/// (set by .ci/run), when it fails instead.
/// </summary>
[Collection("Torch")]
public sealed class RealDataTests : TestBase
{
    /// <summary>The real Fashion-MNIST folder; skips the test when it is absent, fails it under LENET_REQUIRE_REAL_DATA=1 (also used by other real-data tests).</summary>
    internal static string? FindData()
    {
        try
        {
            return DataLocator.Resolve(null, DatasetPart.Train);
        }
        catch (DataFormatException e)
        {
            if (Environment.GetEnvironmentVariable("LENET_REQUIRE_REAL_DATA") == "1")
            {
                Assert.Fail($"real data required (LENET_REQUIRE_REAL_DATA=1) but not found: {e.Message}");
            }

            Assert.Skip($"Fashion-MNIST not installed: {e.Message}");
            return null;
        }
    }

    [Fact]
    public void Train_eval_and_summarize_on_a_slice_of_the_real_data_write_every_report()
    {
        var dataDir = FindData()!;
        var run = Path.Combine(TempDir, "run");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = CliApp.Run(["train", "--data-dir", dataDir, "--epochs", "1", "--limit", "6400", "--seed", "0", "--output", run], output, error, TestContext.Current.CancellationToken);

        var log = output.ToString();
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("Split: 6,400 training images in 100 batches of 64: 80 batches (5,120 images) train, 20 batches (1,280 images) validate", log);
        Assert.Contains("Model: lenet, 44,426 parameters", log);
        Assert.Matches(@"Epoch 0/0  train loss \d\.\d{4} acc \d\.\d{4}  val loss \d\.\d{4} acc \d\.\d{4}  \d+\.\d s  \* best", log);
        var testLine = log.Split('\n').Single(l => l.StartsWith("Test accuracy: ", StringComparison.Ordinal)).Trim();
        var testAccuracy = double.Parse(testLine["Test accuracy: ".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(testAccuracy, 0.1, 1.0);
        Assert.Contains("Most confused: ", log);

        foreach (var f in new[] { "model.dat", "model.json", "history.csv", "curves.png", "samples.png", "confusion-matrix.csv", "confusion-matrix.png" })
        {
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");
        }

        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
        var history = HistoryCsv.Read(Path.Combine(run, "history.csv"));
        var epoch = Assert.Single(history);
        Assert.Equal(0, epoch.Epoch);
        Assert.Equal(0.001, epoch.LearningRate);
        Assert.Equal(epoch.ValAcc * 1280, Math.Round(epoch.ValAcc * 1280), 9); // a whole number of the 1,280 validation images

        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model.json"))))
        {
            var root = json.RootElement;
            Assert.Equal("lenet", root.GetProperty("architecture").GetString());
            Assert.Equal(0, root.GetProperty("best_epoch").GetInt32());
            Assert.Equal(epoch.ValAcc, root.GetProperty("val_accuracy").GetDouble());
            Assert.Equal(testAccuracy, Math.Round(root.GetProperty("test_accuracy").GetDouble(), 4));
            Assert.Equal(0, root.GetProperty("options").GetProperty("seed").GetInt64());
            Assert.Equal(10, root.GetProperty("class_names").GetArrayLength());
        }

        var csv = File.ReadAllLines(Path.Combine(run, "confusion-matrix.csv"));
        Assert.Equal(11, csv.Length);
        Assert.Equal(10_000, csv.Skip(1).Sum(l => l.Split(',')[^10..].Sum(int.Parse)));

        AssertPng(Path.Combine(run, "curves.png"), Plots.CurvesWidth, Plots.CurvesHeight);
        AssertPng(Path.Combine(run, "confusion-matrix.png"), Plots.ConfusionMatrixWidth, Plots.ConfusionMatrixHeight);

        // eval on the same model reports exactly the test accuracy that train printed.
        var evalOutput = new StringWriter();
        var evalDir = Path.Combine(TempDir, "eval");
        code = CliApp.Run(["eval", "--model", Path.Combine(run, "model.dat"), "--data-dir", dataDir, "--output", evalDir], evalOutput, error, TestContext.Current.CancellationToken);
        Assert.True(code == 0, $"eval exit {code}: {error}");
        Assert.StartsWith(testLine + " (", evalOutput.ToString());
        Assert.Contains("weighted avg", evalOutput.ToString());
        foreach (var f in new[] { "confusion-matrix.csv", "confusion-matrix.png", "confusion-matrix-normalized.png", "misclassified.png", "metrics.json" })
        {
            Assert.True(File.Exists(Path.Combine(evalDir, f)), $"eval {f} missing");
        }

        // eval --split val covers exactly the 1,280 validation images and gives the best validation accuracy.
        var valOutput = new StringWriter();
        code = CliApp.Run(["eval", "--model", Path.Combine(run, "model.dat"), "--data-dir", dataDir, "--output", evalDir, "--split", "val"], valOutput, error, TestContext.Current.CancellationToken);
        Assert.True(code == 0, $"eval val exit {code}: {error}");
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"Validation accuracy: {epoch.ValAcc:F4} ({Math.Round(epoch.ValAcc * 1280):N0} of 1,280)"), valOutput.ToString());
    }

    private static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void Fashion_mnist_test_images_redrawn_as_photos_come_back_as_the_data_set_s_own_images()
    {
        // Issue 22: 100 test images, each drawn dark on white, enlarged 2–6 ×, with margins of 0.25–3 × its size on each
        // side (wide, tall and square canvases), prepared as Fashion-MNIST was made.
        var dataDir = FindData()!;
        var images = LeNetFashion.Data.IdxReader.Read(LeNetFashion.Data.IdxFileNames.Find(dataDir, "t10k-images-idx3-ubyte")!, 3);
        var random = new Random(3);
        var exact = 0;
        double total = 0;
        for (var n = 0; n < 100; n++)
        {
            var i = random.Next(images.Count);
            var original = images.Data.AsSpan(i * 784, 784).ToArray();
            var scale = random.Next(2, 7);
            var side = 28 * scale;
            int M() => (int)(side * (0.25 + (2.75 * random.NextDouble())));
            var (left, top, right, bottom) = (M(), M(), M(), M());
            var (w, h) = (side + left + right, side + top + bottom);
            using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(w, h, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque));
            var pixels = bitmap.GetPixelSpan();
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var (ix, iy) = ((x - left) / scale, (y - top) / scale);
                    pixels[(y * bitmap.RowBytes) + x] = (byte)(x >= left && y >= top && ix < 28 && iy < 28 ? 255 - original[(iy * 28) + ix] : 255);
                }
            }

            using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            var prepared = LeNetFashion.Imaging.ImageInput.Decode($"test-{i}.png", png.ToArray(), 28, 28, LeNetFashion.Imaging.InvertMode.Auto, LeNetFashion.Imaging.BackgroundMode.Auto, LeNetFashion.Imaging.Preparation.FashionMnist);
            var difference = original.Zip(prepared.Pixels, (a, b) => Math.Abs(a - b)).Average();
            exact += difference == 0 ? 1 : 0;
            total += difference;
        }

        Assert.True(exact >= 90 && total / 100 < 1, $"{exact} of 100 exactly the original, mean difference {total / 100:F2} grey levels");
    }
}
