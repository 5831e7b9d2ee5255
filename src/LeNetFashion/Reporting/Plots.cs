using System.Globalization;
using LeNetFashion.Evaluation;
using LeNetFashion.Training;
using ScottPlot;
using SkiaSharp;

namespace LeNetFashion.Reporting;

/// <summary>
/// PNG figures of a run, drawn headless with ScottPlot 5 (curves, confusion matrix) and SkiaSharp (image grids),
/// after the figures of the PyTorch LeNet/Fashion-MNIST tutorial. Every file is written through
/// <see cref="IO.AtomicFile"/>; text uses DejaVu Sans when installed, else ScottPlot's default font.
/// </summary>
public static class Plots
{
    /// <summary>Width of <c>curves.png</c> in pixels (matplotlib's 12-inch figure at 100 dpi).</summary>
    public const int CurvesWidth = 1200;

    /// <summary>Height of <c>curves.png</c> in pixels (a 4-inch figure at 100 dpi).</summary>
    public const int CurvesHeight = 400;

    /// <summary>Width of the confusion-matrix PNGs in pixels.</summary>
    public const int ConfusionMatrixWidth = 900;

    /// <summary>Height of the confusion-matrix PNGs in pixels.</summary>
    public const int ConfusionMatrixHeight = 800;

    /// <summary>Each dataset pixel becomes a square of this many PNG pixels in image grids (nearest neighbour): 28 → 84.</summary>
    public const int GridImageScale = 3;

    /// <summary>Gap around each image-grid cell and around the whole grid, in pixels.</summary>
    public const int GridPadding = 8;

    /// <summary>Height of the title strip above each image in a grid, in pixels.</summary>
    public const int GridTitleHeight = 18;

    /// <summary>Largest font size of image-grid titles, in pixels; longer titles shrink to fit their cell.</summary>
    public const float GridTitleFontSize = 12f;

    /// <summary>Widest a grid cell grows to fit its title, in pixels (image width included).</summary>
    public const int GridMaxCellWidth = 200;

    /// <summary>Most epoch ticks on a curves panel's x axis; longer runs tick every 2, 5, 10, 20, 50… epochs.</summary>
    public const int MaxEpochTicks = 12;

    private const string PreferredFont = "DejaVu Sans";

    /// <summary>
    /// Saves the learning curves: two panels side by side, loss (left) and accuracy (right) per epoch, training in
    /// red circles and validation in blue squares, each with a legend. Size <see cref="CurvesWidth"/> ×
    /// <see cref="CurvesHeight"/> pixels.
    /// </summary>
    /// <param name="path">Destination PNG, e.g. <c>curves.png</c>.</param>
    /// <param name="history">Epochs in order; empty gives empty axes.</param>
    /// <exception cref="IOException">Writing the file failed.</exception>
    public static void SaveCurves(string path, IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(history);
        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        var loss = CurvePanel(
            "Loss", "Loss", epochs,
            history.Select(r => r.TrainLoss).ToArray(), "Train loss",
            history.Select(r => r.ValLoss).ToArray(), "Val loss", Alignment.UpperRight);
        var acc = CurvePanel(
            "Accuracy", "Acc", epochs,
            history.Select(r => r.TrainAcc).ToArray(), "Train acc",
            history.Select(r => r.ValAcc).ToArray(), "Val acc", Alignment.LowerRight);

        // new Multiplot() starts with an empty plot of its own; Multiplot(Plot) makes the loss panel the first one instead.
        var multiplot = new Multiplot(loss) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        multiplot.AddPlot(acc);
        var bytes = WithInvariantCulture(() =>
        {
            using var image = multiplot.Render(CurvesWidth, CurvesHeight);
            return image.GetImageBytes(ImageFormat.Png, 100);
        });
        IO.AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Writes the validation curves of several runs over each other, one colour per run with its name in the legend:
    /// validation loss on the left, validation accuracy on the right (<c>compare.png</c>).
    /// </summary>
    /// <param name="path">Destination PNG, written atomically.</param>
    /// <param name="runs">Each run's name and history, in legend order.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void SaveComparison(string path, IReadOnlyList<(string Name, IReadOnlyList<EpochRecord> History)> runs)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(runs);
        var palette = new ScottPlot.Palettes.Category10();
        Plot Panel(string title, string yLabel, Func<EpochRecord, double> value, Alignment legend)
        {
            var plot = NewPlot();
            for (var i = 0; i < runs.Count; i++)
            {
                var (name, history) = runs[i];
                var line = plot.Add.Scatter(history.Select(r => (double)r.Epoch).ToArray(), history.Select(value).ToArray(), palette.GetColor(i));
                line.MarkerShape = MarkerShape.FilledCircle;
                line.MarkerSize = 5;
                line.LegendText = name;
            }

            var last = Math.Max(0, runs.Select(r => r.History.Count == 0 ? 0 : r.History.Max(h => h.Epoch)).DefaultIfEmpty(0).Max());
            var ticks = EpochTicks(0, last);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. ticks.Select(t => (double)t)], [.. ticks.Select(t => t.ToString(CultureInfo.InvariantCulture))]);
            var (min, max) = EpochAxisLimits(0, last);
            plot.Axes.SetLimitsX(min, max);
            plot.Title(title);
            plot.XLabel("epoch");
            plot.YLabel(yLabel);
            plot.ShowLegend(legend);
            return plot;
        }

        var multiplot = new Multiplot(Panel("Validation loss", "Loss", r => r.ValLoss, Alignment.UpperRight)) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        multiplot.AddPlot(Panel("Validation accuracy", "Acc", r => r.ValAcc, Alignment.LowerRight));
        var bytes = WithInvariantCulture(() =>
        {
            using var image = multiplot.Render(CurvesWidth, CurvesHeight);
            return image.GetImageBytes(ImageFormat.Png, 100);
        });
        IO.AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// The x-axis ticks of the curves for epochs <paramref name="firstEpoch"/>..<paramref name="lastEpoch"/>: whole
    /// epochs only, never outside the run's epochs, every epoch when there are at most <see cref="MaxEpochTicks"/>,
    /// else every <c>step</c> epochs (the smallest of 2, 5, 10, 20, 50, … that gives at most that many ticks).
    /// One epoch gives the single tick <paramref name="firstEpoch"/>.
    /// </summary>
    /// <param name="firstEpoch">First epoch of the run (0-based, as in <c>history.csv</c>).</param>
    /// <param name="lastEpoch">Last epoch, at least <paramref name="firstEpoch"/>.</param>
    /// <returns>Tick positions in epochs, ascending, all multiples of the step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastEpoch"/> is before <paramref name="firstEpoch"/>.</exception>
    public static IReadOnlyList<int> EpochTicks(int firstEpoch, int lastEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lastEpoch, firstEpoch);
        // Steps 1, 2, 5, 10, 20, 50, 100, …: the first that gives at most MaxEpochTicks ticks.
        var step = 1;
        for (var i = 0; CountMultiples(firstEpoch, lastEpoch, step) > MaxEpochTicks; i++)
        {
            step = (i % 3 == 0 ? 2 : i % 3 == 1 ? 5 : 10) * (int)Math.Pow(10, i / 3);
        }

        var first = (int)Math.Ceiling(firstEpoch / (double)step) * step;
        var ticks = new List<int>();
        for (var t = first; t <= lastEpoch; t += step)
        {
            ticks.Add(t);
        }

        return ticks.Count > 0 ? ticks : [firstEpoch];
    }

    /// <summary>
    /// The x-axis limits of the curves for epochs <paramref name="firstEpoch"/>..<paramref name="lastEpoch"/>: the
    /// run's epochs plus a margin of half an epoch, or 5 % of the span when that is larger, so that the first and last
    /// markers are not cut and one epoch is centred (−0.5 to 0.5).
    /// </summary>
    /// <param name="firstEpoch">First epoch of the run.</param>
    /// <param name="lastEpoch">Last epoch, at least <paramref name="firstEpoch"/>.</param>
    /// <returns>Left and right limits, in epochs.</returns>
    public static (double Min, double Max) EpochAxisLimits(int firstEpoch, int lastEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lastEpoch, firstEpoch);
        var margin = Math.Max(0.5, 0.05 * (lastEpoch - firstEpoch));
        return (firstEpoch - margin, lastEpoch + margin);
    }

    /// <summary>
    /// Saves an annotated heatmap of <paramref name="matrix"/>: true classes on the y axis (class 0 at the top),
    /// predicted classes on the x axis (class 0 at the left, names rotated 45°), so the cell at row <c>i</c> from the
    /// top and column <c>j</c> from the left shows <c>matrix[i, j]</c>. Colours follow YlGnBu (light = few, dark =
    /// many); text is dark on light cells and white on dark ones. Size <see cref="ConfusionMatrixWidth"/> ×
    /// <see cref="ConfusionMatrixHeight"/> pixels.
    /// </summary>
    /// <param name="path">Destination PNG, e.g. <c>confusion_matrix.png</c>.</param>
    /// <param name="matrix">Counts, rows = true class, columns = predicted class.</param>
    /// <param name="normalized">
    /// <see langword="false"/>: cells show the integer counts. <see langword="true"/>: each row is divided by its total
    /// (the class's recall on the diagonal), shown as percentages with one decimal, e.g. <c>87.3%</c>; an empty row is 0.
    /// </param>
    /// <param name="subject">What was scored, appended to the title (e.g. "test set"), or null.</param>
    /// <exception cref="IOException">Writing the file failed.</exception>
    public static void SaveConfusionMatrix(string path, ConfusionMatrix matrix, bool normalized, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(matrix);
        var k = matrix.ClassCount;
        var values = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            var total = matrix.RowTotal(i);
            for (var j = 0; j < k; j++)
            {
                values[i, j] = normalized
                    ? (total == 0 ? 0 : (double)matrix[i, j] / total)
                    : matrix[i, j];
            }
        }

        var plot = NewPlot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = YlGnBuColormap.Create();

        // Heatmap row 0 is drawn at the top. The extent spans the cell centres (ScottPlot draws half a cell
        // beyond it on each side), so cell (i, j) is centred at x = j, y = k - 1 - i.
        heatmap.Extent = new CoordinateRect(0, Math.Max(k - 1, 1e-9), 0, Math.Max(k - 1, 1e-9));
        var min = 0.0;
        var max = normalized ? 1.0 : Math.Max(1.0, values.Cast<double>().Max());
        heatmap.ManualRange = new ScottPlot.Range(min, max);

        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                var text = normalized
                    ? (values[i, j] * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
                    : matrix[i, j].ToString(CultureInfo.InvariantCulture);
                var label = plot.Add.Text(text, j, k - 1 - i);
                label.Alignment = Alignment.MiddleCenter;
                label.LabelFontSize = k <= 10 ? 13 : 10;
                label.LabelFontName = FontName;
                var cell = heatmap.Colormap.GetColor((values[i, j] - min) / (max - min));
                label.LabelFontColor = Luminance(cell) > 0.408 ? Color.FromHex("#202020") : Colors.White;
            }
        }

        var positions = Enumerable.Range(0, k).Select(j => (double)j).ToArray();
        var names = matrix.ClassNames.ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, names);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            positions.Select(y => k - 1 - y).ToArray(), names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.Left.MinimumSize = 110;
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.HideGrid();
        plot.XLabel("Predicted label");
        plot.YLabel("True label");
        plot.Title((normalized ? "Confusion matrix (normalized)" : "Confusion matrix") + (subject is null ? "" : $", {subject}"));
        var colorBar = plot.Add.ColorBar(heatmap);
        if (colorBar.Axis.TickGenerator is ScottPlot.TickGenerators.NumericAutomatic colorTicks)
        {
            colorTicks.LabelFormatter = normalized
                ? v => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%"
                : v => v.ToString("0.##", CultureInfo.InvariantCulture);
        }

        var bytes = WithInvariantCulture(
            () => plot.GetImageBytes(ConfusionMatrixWidth, ConfusionMatrixHeight, ImageFormat.Png));
        IO.AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Saves a <paramref name="rows"/> × <paramref name="columns"/> grid of grayscale images (0 = black, 255 = white,
    /// matplotlib's <c>gray</c>), each scaled up <see cref="GridImageScale"/> times with nearest neighbour and titled
    /// above in small text, without axes; cells fill row by row. Size: see <see cref="ImageGridSize"/>.
    /// </summary>
    /// <param name="path">Destination PNG, e.g. <c>samples.png</c> or <c>misclassified.png</c>.</param>
    /// <param name="pixels">Images <c>[N, height, width]</c>, row-major bytes 0–255.</param>
    /// <param name="height">Image height in dataset pixels (28 for Fashion-MNIST).</param>
    /// <param name="width">Image width in dataset pixels (28 for Fashion-MNIST).</param>
    /// <param name="indices">Image <c>indices[k]</c> goes into cell <c>k</c>; at most <c>rows × columns</c>.</param>
    /// <param name="titles">Title of cell <c>k</c>, e.g. <c>Shirt → T-shirt/top (0.62)</c>; same count as <paramref name="indices"/>.</param>
    /// <param name="rows">Rows of the grid.</param>
    /// <param name="columns">Columns of the grid.</param>
    /// <exception cref="ArgumentException">
    /// Sizes are not positive, <paramref name="pixels"/> is not a whole number of images, counts differ, there are more
    /// images than cells, or an index is outside the images.
    /// </exception>
    /// <exception cref="IOException">Writing the file failed.</exception>
    public static void SaveImageGrid(
        string path,
        byte[] pixels,
        int height,
        int width,
        IReadOnlyList<int> indices,
        IReadOnlyList<string> titles,
        int rows,
        int columns)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(titles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var imageSize = height * width;
        if (pixels.Length % imageSize != 0)
        {
            throw new ArgumentException(
                $"{pixels.Length} bytes is not a whole number of {height}×{width} images", nameof(pixels));
        }

        if (indices.Count != titles.Count)
        {
            throw new ArgumentException($"{indices.Count} indices but {titles.Count} titles", nameof(titles));
        }

        if (indices.Count > rows * columns)
        {
            throw new ArgumentException(
                $"{indices.Count} images do not fit a {rows}×{columns} grid", nameof(indices));
        }

        var count = pixels.Length / imageSize;
        foreach (var index in indices)
        {
            if (index < 0 || index >= count)
            {
                throw new ArgumentException($"image index {index} is outside 0..{count - 1}", nameof(indices));
            }
        }

        using var typeface = GridTypeface();
        using var font = new SKFont(typeface, GridTitleFontSize);
        var (canvasWidth, canvasHeight) = ImageGridSize(height, width, titles, rows, columns);
        var cellWidth = CellWidth(font, width, titles);
        var imageWidth = width * GridImageScale;
        var imageHeight = height * GridImageScale;
        var cellHeight = GridTitleHeight + imageHeight;

        var info = new SKImageInfo(canvasWidth, canvasHeight, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var textPaint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);

        for (var k = 0; k < indices.Count; k++)
        {
            var left = GridPadding + (k % columns) * (cellWidth + GridPadding);
            var top = GridPadding + (k / columns) * (cellHeight + GridPadding);

            var title = titles[k];
            using var shrunk = FitFont(typeface, title, cellWidth);
            var titleFont = shrunk ?? font;
            canvas.DrawText(title, left + cellWidth / 2f, top + GridTitleHeight - 5, SKTextAlign.Center, titleFont, textPaint);

            using var image = GrayImage(pixels, indices[k] * imageSize, height, width);
            var imageLeft = left + (cellWidth - imageWidth) / 2f;
            var dest = SKRect.Create(imageLeft, top + GridTitleHeight, imageWidth, imageHeight);
            canvas.DrawImage(image, dest, sampling);
        }

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        IO.AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>
    /// The PNG size in pixels that <see cref="SaveImageGrid"/> draws for these arguments: each cell is as wide as the
    /// scaled image or its widest title (at most <see cref="GridMaxCellWidth"/>), and <see cref="GridTitleHeight"/>
    /// plus the scaled image tall, with <see cref="GridPadding"/> between and around cells.
    /// </summary>
    /// <param name="height">Image height in dataset pixels.</param>
    /// <param name="width">Image width in dataset pixels.</param>
    /// <param name="titles">The cell titles.</param>
    /// <param name="rows">Rows of the grid.</param>
    /// <param name="columns">Columns of the grid.</param>
    /// <returns>Width and height of the PNG, in pixels.</returns>
    public static (int Width, int Height) ImageGridSize(
        int height, int width, IReadOnlyList<string> titles, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(titles);
        using var typeface = GridTypeface();
        using var font = new SKFont(typeface, GridTitleFontSize);
        var cellWidth = CellWidth(font, width, titles);
        var cellHeight = GridTitleHeight + height * GridImageScale;
        return (
            GridPadding + columns * (cellWidth + GridPadding),
            GridPadding + rows * (cellHeight + GridPadding));
    }

    private static string FontName { get; } = DetectFont();

    /// <summary>
    /// Runs <paramref name="render"/> under the invariant culture: ScottPlot formats tick labels with the current
    /// culture, and figures must read the same ('.' decimals) on every machine.
    /// </summary>
    private static T WithInvariantCulture<T>(Func<T> render)
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return render();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>
    /// WCAG relative luminance of an sRGB colour, in [0, 1]. Text is dark above 0.408 and white below, the rule
    /// seaborn's annotated heatmaps use.
    /// </summary>
    private static double Luminance(Color color)
    {
        static double Linear(byte c)
        {
            var v = c / 255.0;
            return v <= 0.03928 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        }

        return 0.2126 * Linear(color.R) + 0.7152 * Linear(color.G) + 0.0722 * Linear(color.B);
    }

    private static string DetectFont()
    {
        using var typeface = SKTypeface.FromFamilyName(PreferredFont);
        return typeface?.FamilyName == PreferredFont ? PreferredFont : Fonts.Default;
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        return plot;
    }

    private static Plot CurvePanel(
        string title,
        string yLabel,
        double[] epochs,
        double[] train,
        string trainLabel,
        double[] val,
        string valLabel,
        Alignment legendAlignment)
    {
        var plot = NewPlot();
        var trainLine = plot.Add.Scatter(epochs, train, Colors.Red);
        trainLine.MarkerShape = MarkerShape.FilledCircle;
        trainLine.MarkerSize = 7;
        trainLine.LegendText = trainLabel;
        var valLine = plot.Add.Scatter(epochs, val, Colors.Blue);
        valLine.MarkerShape = MarkerShape.FilledSquare;
        valLine.MarkerSize = 7;
        valLine.LegendText = valLabel;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        if (epochs.Length == 0)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }
        else
        {
            // ScottPlot's automatic ticks put a 1-epoch run on an axis from -1 to 1; ticks and limits follow the run instead.
            var first = (int)epochs.Min();
            var last = (int)epochs.Max();
            var ticks = EpochTicks(first, last);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. ticks.Select(t => (double)t)], [.. ticks.Select(t => t.ToString(CultureInfo.InvariantCulture))]);
            var (min, max) = EpochAxisLimits(first, last);
            plot.Axes.SetLimitsX(min, max);
        }

        plot.ShowLegend(legendAlignment);
        return plot;
    }

    /// <summary>How many multiples of <paramref name="step"/> lie in [<paramref name="first"/>, <paramref name="last"/>].</summary>
    private static int CountMultiples(int first, int last, int step) =>
        (int)(Math.Floor(last / (double)step) - Math.Ceiling(first / (double)step)) + 1;

    private static SKTypeface GridTypeface() =>
        SKTypeface.FromFamilyName(PreferredFont) ?? SKTypeface.Default;

    private static int CellWidth(SKFont font, int width, IReadOnlyList<string> titles)
    {
        var widest = titles.Count == 0 ? 0f : titles.Max(t => font.MeasureText(t));
        var needed = Math.Max(width * GridImageScale, (int)Math.Ceiling(widest) + 4);
        return Math.Min(needed, Math.Max(GridMaxCellWidth, width * GridImageScale));
    }

    /// <summary>A smaller font when <paramref name="title"/> is wider than the cell at the normal size, else null.</summary>
    private static SKFont? FitFont(SKTypeface typeface, string title, int cellWidth)
    {
        using var probe = new SKFont(typeface, GridTitleFontSize);
        var w = probe.MeasureText(title);
        if (w <= cellWidth - 2)
        {
            return null;
        }

        return new SKFont(typeface, GridTitleFontSize * (cellWidth - 2) / w);
    }

    private static SKImage GrayImage(byte[] pixels, int offset, int height, int width)
    {
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        var image = SKImage.FromPixelCopy(info, pixels.AsSpan(offset, height * width), width);
        return image ?? throw new InvalidOperationException("SkiaSharp could not create a grayscale image");
    }
}
