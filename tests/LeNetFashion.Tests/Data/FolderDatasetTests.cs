using LeNetFashion.Cli;
using LeNetFashion.Data;
using LeNetFashion.Imaging;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reliability;
using SkiaSharp;
using Xunit;

namespace LeNetFashion.Tests.Data;

/// <summary>
/// A folder data set (torchvision's ImageFolder layout) of pictures drawn here: three shapes, on canvases of 28 × 28
/// to 90 × 60, light on dark and dark on light, as PNG, JPEG and WebP.
/// </summary>
[Collection("Torch")]
public sealed class FolderDatasetTests : TestBase
{
    private static readonly string[] Shapes = ["disc", "bar", "square"];

    /// <summary>Writes <paramref name="perClass"/> pictures of each shape into <c>dir/&lt;shape&gt;/</c>.</summary>
    private static string WriteShapes(string dir, int perClass, int seed)
    {
        var random = new Random(seed);
        SKEncodedImageFormat[] formats = [SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp];
        for (var c = 0; c < Shapes.Length; c++)
        {
            Directory.CreateDirectory(Path.Combine(dir, Shapes[c]));
            for (var i = 0; i < perClass; i++)
            {
                var (w, h) = i % 3 == 0 ? (28, 28) : (random.Next(28, 91), random.Next(28, 61));
                var light = i % 2 == 0;
                using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
                surface.Canvas.Clear(light ? SKColors.White : SKColors.Black);
                using var paint = new SKPaint { Color = light ? SKColors.Black : SKColors.White, IsAntialias = true };
                var (cx, cy, r) = (w / 2f + random.Next(-3, 4), h / 2f + random.Next(-3, 4), Math.Min(w, h) * 0.3f);
                switch (c)
                {
                    case 0: surface.Canvas.DrawCircle(cx, cy, r, paint); break;
                    case 1: surface.Canvas.DrawRect(cx - (r * 0.25f), cy - r, r * 0.5f, 2 * r, paint); break;
                    default: surface.Canvas.DrawRect(cx - r, cy - r, 2 * r, 2 * r, paint); break;
                }

                var format = formats[i % formats.Length];
                using var image = surface.Snapshot();
                using var data = image.Encode(format, 90);
                File.WriteAllBytes(Path.Combine(dir, Shapes[c], $"{i:D3}.{format.ToString().ToLowerInvariant()}"), data.ToArray());
            }
        }

        return dir;
    }

    private string Shapes3(int train = 40, int test = 9)
    {
        var root = Path.Combine(TempDir, "shapes");
        WriteShapes(Path.Combine(root, "train"), train, 1);
        WriteShapes(Path.Combine(root, "test"), test, 2);
        return root;
    }

    [Fact]
    public void Class_names_are_the_sorted_sub_folders_and_every_picture_is_prepared_as_predict_prepares_it()
    {
        var root = Shapes3();
        var (dataset, dir) = TrainingData.Resolve("fashion-mnist", root, null);

        Assert.Equal(FolderDataset.Name, dataset.Name);
        Assert.Equal(["bar", "disc", "square"], dataset.ClassNames);
        var set = TrainingData.LoadPart(dataset, dir, null, DatasetPart.Train);
        Assert.Equal(120, set.Count);
        Assert.Equal(40, set.Labels.Count(l => l == 0));
        Assert.Equal(40, set.Labels.Count(l => l == 2));

        // The fixed order puts every class among the last fifth (the validation batches).
        Assert.Equal(3, set.Labels.Skip(96).Distinct().Count());
        var order = FolderDataset.FixedOrder(120);
        var files = Shapes.Order(StringComparer.Ordinal).SelectMany(s => Directory.GetFiles(Path.Combine(root, "train", s)).Order(StringComparer.Ordinal)).ToArray();
        for (var i = 0; i < set.Count; i += 7)
        {
            var expected = ImageInput.Load(files[order[i]], 28, 28, InvertMode.Auto).Pixels;
            Assert.Equal(expected, set.Pixels.AsSpan(i * 784, 784).ToArray());
        }

        Assert.Equal(27, TrainingData.LoadPart(dataset, dir, null, DatasetPart.Test).Count);
    }

    [Fact]
    public void Train_eval_and_predict_work_on_a_folder_of_pictures_and_grow_with_its_classes()
    {
        var root = Shapes3();
        var run = Path.Combine(TempDir, "run");

        var train = Reliability.Cli.Run("train", "--data-dir", root, "--epochs", "3", "--batch-size", "8", "--lr", "0.01", "--seed", "2", "--threads", "1", "--output", run);

        Assert.True(train.Code == 0, train.Error);
        Assert.Contains("3 classes (bar, disc, square), 120 training and 27 test pictures at 28 × 28", train.Output);
        var (classifier, metadata) = ModelStore.Load(Path.Combine(run, RunFiles.Model));
        using (classifier)
        {
            Assert.Equal(["bar", "disc", "square"], metadata.ClassNames);
            Assert.Equal([1L, 28, 28], metadata.InputShape);
            Assert.Equal("folder", metadata.Dataset);
            Assert.Equal("folder", metadata.Options!.Dataset);
        }

        var matrix = File.ReadAllLines(Path.Combine(run, RunFiles.ConfusionCsv));
        Assert.Equal(4, matrix.Length);
        Assert.StartsWith("true\\predicted,bar,disc,square", matrix[0]);
        Assert.Equal(27, matrix.Skip(1).Sum(l => l.Split(',').Skip(1).Sum(int.Parse)));

        var eval = Reliability.Cli.Run("eval", "--model", Path.Combine(run, RunFiles.Model));
        Assert.True(eval.Code == 0, eval.Error);
        var accuracy = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFiles.ModelJson))).RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Test accuracy: {accuracy:F4} ("), eval.Output);
        Assert.Contains(" of 27)", eval.Output);

        // metrics.json holds what eval printed: the accuracy, the matrix (rows = true class) and one row per class.
        using (var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval-test", RunFiles.Metrics))))
        {
            var m = metrics.RootElement;
            Assert.Equal("test", m.GetProperty("split").GetString());
            Assert.Equal(accuracy, m.GetProperty("accuracy").GetDouble());
            Assert.Equal(27, m.GetProperty("samples").GetInt64());
            Assert.Equal(["bar", "disc", "square"], m.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(3, m.GetProperty("per_class").GetArrayLength());
            Assert.All(m.GetProperty("per_class").EnumerateArray(), c => Assert.Equal(9, c.GetProperty("support").GetInt64()));
            var rows = m.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            Assert.Equal(m.GetProperty("correct").GetInt64(), rows[0][0] + rows[1][1] + rows[2][2]);
            Assert.All(rows, r => Assert.Equal(9, r.Sum()));
        }

        var summary = Reliability.Cli.Run("summarize", "--model", Path.Combine(run, RunFiles.Model));
        Assert.True(summary.Code == 0, summary.Error);
        Assert.Contains("[-1, 3]", summary.Output);

        var picture = Directory.GetFiles(Path.Combine(root, "test", "disc"))[0];
        var predict = Reliability.Cli.Run("predict", "--model", Path.Combine(run, RunFiles.Model), picture, "--json");
        Assert.True(predict.Code == 0, predict.Error);
        Assert.Contains("\"class\":", predict.Output.Replace(" ", ""));
    }

    [Fact]
    public void A_folder_without_test_pictures_is_one_line_naming_the_fix()
    {
        var dir = WriteShapes(Path.Combine(TempDir, "only-train"), 4, 1);

        var r = Reliability.Cli.Run("train", "--data-dir", dir, "--epochs", "1", "--output", Path.Combine(TempDir, "run"));

        Reliability.Cli.AssertError(r, ExitCodes.BadInput,
            $"--data-dir {dir}: a folder of pictures, but no test pictures: give --test-dir <folder> (one sub-folder per class), or lay the data out as {Path.Combine(dir, "train")} and {Path.Combine(dir, "test")}");
        Assert.False(Directory.Exists(Path.Combine(TempDir, "run")));
    }

    [Fact]
    public void A_test_folder_with_a_class_the_training_pictures_lack_is_refused()
    {
        var dir = WriteShapes(Path.Combine(TempDir, "train"), 8, 1);
        var test = WriteShapes(Path.Combine(TempDir, "test"), 2, 2);
        Directory.CreateDirectory(Path.Combine(test, "star"));
        File.Copy(Directory.GetFiles(Path.Combine(test, "disc"))[0], Path.Combine(test, "star", "a.png"));

        var r = Reliability.Cli.Run("train", "--data-dir", dir, "--test-dir", test, "--epochs", "1", "--batch-size", "4", "--output", Path.Combine(TempDir, "run"));

        Reliability.Cli.AssertError(r, ExitCodes.BadInput, $"{Path.Combine(test, "star")}: 'star' is not one of the 3 classes (bar, disc, square)");
    }

    [Fact]
    public void A_class_folder_name_with_a_terminal_escape_is_refused_before_it_is_printed()
    {
        var root = Shapes3(4, 1);
        Directory.Move(Path.Combine(root, "train", "bar"), Path.Combine(root, "train", "b\u001b[31mar"));

        var r = Reliability.Cli.Run("train", "--data-dir", root, "--epochs", "1", "--output", Path.Combine(TempDir, "run"));

        Reliability.Cli.AssertError(r, ExitCodes.BadInput, $"{Path.Combine(root, "train")}: a class folder name holds control characters (1 of them); rename it, since class names are printed and stored");
    }

    [Fact]
    public void A_damaged_picture_is_one_line_naming_it()
    {
        var root = Shapes3(4, 1);
        var bad = Path.Combine(root, "train", "disc", "000.png");
        File.WriteAllBytes(bad, File.ReadAllBytes(bad)[..60]);
        File.WriteAllBytes(Path.Combine(root, "train", "square", "zero.jpg"), []);

        var r = Reliability.Cli.Run("train", "--data-dir", root, "--epochs", "1", "--output", Path.Combine(TempDir, "run"));

        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.StartsWith($"error: {bad}: cannot decode the Png picture", Reliability.Cli.OneLine(r.Error));
        Assert.DoesNotContain("Exception", r.Error);
    }

    [Fact]
    public void A_link_to_a_folder_is_not_followed_so_no_picture_is_counted_twice_or_mislabelled()
    {
        var root = Shapes3(4, 1);
        Directory.CreateSymbolicLink(Path.Combine(root, "train", "bar", "up"), Path.Combine(root, "train"));
        Directory.CreateSymbolicLink(Path.Combine(root, "train", "disc", "loop"), Path.Combine(root, "train", "disc"));
        var (dataset, dir) = TrainingData.Resolve("fashion-mnist", root, null);

        var set = TrainingData.LoadPart(dataset, dir, null, DatasetPart.Train);

        Assert.Equal(12, set.Count);
        Assert.Equal([4, 4, 4], set.Labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public void Eval_takes_a_folder_of_class_folders_without_train_and_test_as_the_test_set()
    {
        var root = Shapes3(24, 6);
        var run = Path.Combine(TempDir, "run");
        Assert.Equal(0, Reliability.Cli.Run("train", "--data-dir", root, "--epochs", "1", "--batch-size", "8", "--seed", "1", "--threads", "1", "--output", run).Code);

        var r = Reliability.Cli.Run("eval", "--model", Path.Combine(run, RunFiles.Model), "--data-dir", Path.Combine(root, "test"), "--output", Path.Combine(TempDir, "e"));

        Assert.True(r.Code == 0, r.Error);
        Assert.Contains(" of 18)", r.Output);
    }

    [Fact]
    public void A_class_folder_without_pictures_is_refused()
    {
        var root = Shapes3(4, 1);
        Directory.CreateDirectory(Path.Combine(root, "train", "empty"));

        var r = Reliability.Cli.Run("train", "--data-dir", root, "--epochs", "1", "--output", Path.Combine(TempDir, "run"));

        Reliability.Cli.AssertError(r, ExitCodes.BadInput, $"{Path.Combine(root, "train", "empty")}: class folder holds no pictures (.png, .jpg, .jpeg, .bmp, .gif, .webp)");
    }
}
