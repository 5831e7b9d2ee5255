using LeNetFashion.Evaluation;
using LeNetFashion.Reporting;
using LeNetFashion.Training;
using Xunit;

namespace LeNetFashion.Tests.Reporting;

public sealed class PlotsTests : TestBase
{
    private static readonly string[] s_classNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    [Fact]
    public void Curves_png_is_a_png_of_the_documented_size()
    {
        var path = TempFile("curves.png");
        var history = Enumerable.Range(0, 5)
            .Select(e => new EpochRecord(e, 1.0 / (e + 1), 0.7 + 0.04 * e, 1.1 / (e + 1), 0.69 + 0.04 * e, 10, 0.001))
            .ToList();

        Plots.SaveCurves(path, history);

        Assert.Equal((Plots.CurvesWidth, Plots.CurvesHeight), PngHeader.ReadSize(path));
        Assert.Empty(Directory.GetFiles(TempDir, "*.tmp"));
    }

    [Theory]
    [InlineData(0, 0, new[] { 0 })]
    [InlineData(0, 1, new[] { 0, 1 })]
    [InlineData(0, 2, new[] { 0, 1, 2 })]
    [InlineData(0, 11, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 })]
    [InlineData(0, 12, new[] { 0, 2, 4, 6, 8, 10, 12 })]
    [InlineData(0, 24, new[] { 0, 5, 10, 15, 20 })]
    [InlineData(3, 7, new[] { 3, 4, 5, 6, 7 })]
    [InlineData(0, 199, new[] { 0, 20, 40, 60, 80, 100, 120, 140, 160, 180 })]
    public void Epoch_ticks_are_whole_epochs_of_the_run_only(int first, int last, int[] expected)
    {
        var ticks = Plots.EpochTicks(first, last);

        Assert.Equal(expected, ticks);
        Assert.All(ticks, t => Assert.InRange(t, first, last));
        Assert.InRange(ticks.Count, 1, Plots.MaxEpochTicks);
    }

    [Theory]
    [InlineData(0, 0, -0.5, 0.5)]
    [InlineData(0, 2, -0.5, 2.5)]
    [InlineData(0, 24, -1.2, 25.2)]
    public void Epoch_axis_limits_pad_the_run_slightly(int first, int last, double min, double max)
    {
        var (lo, hi) = Plots.EpochAxisLimits(first, last);

        Assert.Equal(min, lo, 9);
        Assert.Equal(max, hi, 9);
    }

    [Fact]
    public void Curves_png_is_drawn_for_an_empty_history()
    {
        var path = TempFile("curves.png");

        Plots.SaveCurves(path, []);

        Assert.Equal((Plots.CurvesWidth, Plots.CurvesHeight), PngHeader.ReadSize(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Confusion_matrix_png_is_a_png_of_the_documented_size(bool normalized)
    {
        var path = TempFile("confusion_matrix.png");
        var m = new ConfusionMatrix(s_classNames);
        for (var i = 0; i < s_classNames.Length; i++)
        {
            m.Add(i, i, 900);
            m.Add(i, (i + 1) % s_classNames.Length, 100);
        }

        m.Add(9, 0, 0);

        Plots.SaveConfusionMatrix(path, m, normalized);

        Assert.Equal((Plots.ConfusionMatrixWidth, Plots.ConfusionMatrixHeight), PngHeader.ReadSize(path));
    }

    [Fact]
    public void Confusion_matrix_png_tolerates_classes_with_no_samples()
    {
        var path = TempFile("confusion_matrix_normalized.png");
        var m = new ConfusionMatrix(["a", "b", "c"]);
        m.Add(0, 1, 3);

        Plots.SaveConfusionMatrix(path, m, normalized: true);

        Assert.Equal((Plots.ConfusionMatrixWidth, Plots.ConfusionMatrixHeight), PngHeader.ReadSize(path));
    }

    [Fact]
    public void Image_grid_png_has_the_size_that_ImageGridSize_reports()
    {
        var path = TempFile("samples.png");
        const int count = 64;
        var pixels = new byte[count * 28 * 28];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7);
        }

        var indices = Enumerable.Range(0, count).ToList();
        var titles = indices.Select(i => s_classNames[i % 10]).ToList();

        Plots.SaveImageGrid(path, pixels, 28, 28, indices, titles, rows: 4, columns: 16);

        var size = PngHeader.ReadSize(path);
        Assert.Equal(Plots.ImageGridSize(28, 28, titles, 4, 16), size);
        Assert.True(size.Width >= 16 * 28 * Plots.GridImageScale, $"width {size.Width}");
        Assert.True(size.Height >= 4 * 28 * Plots.GridImageScale, $"height {size.Height}");
    }

    [Fact]
    public void Image_grid_png_fits_long_titles_and_partly_filled_grids()
    {
        var path = TempFile("misclassified.png");
        var pixels = new byte[40 * 28 * 28];
        int[] indices = [39, 0, 5];
        string[] titles = ["Shirt → T-shirt/top (0.62)", "Ankle boot → Sneaker (0.51)", "A very long title that cannot fit in one cell at all (0.99)"];

        Plots.SaveImageGrid(path, pixels, 28, 28, indices, titles, rows: 6, columns: 6);

        Assert.Equal(Plots.ImageGridSize(28, 28, titles, 6, 6), PngHeader.ReadSize(path));
    }

    [Fact]
    public void Image_grid_rejects_an_index_outside_the_images()
    {
        var pixels = new byte[2 * 28 * 28];

        Assert.Throws<ArgumentException>(
            () => Plots.SaveImageGrid(TempFile("x.png"), pixels, 28, 28, [2], ["x"], 1, 1));
    }
}
