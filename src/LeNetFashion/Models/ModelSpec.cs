using System.Globalization;

namespace LeNetFashion.Models;

/// <summary>
/// The shapes a network is built for: the input of one sample <c>[Channels, Height, Width]</c> and the classes it
/// scores. Training takes it from the data set (an IDX data set, or a folder of pictures with one sub-folder per
/// class); loading takes it from the model's metadata (<c>input_shape</c>, <c>class_names</c>). No architecture
/// assumes 10 classes or 28 × 28 pixels: each builds its layers from a specification.
/// </summary>
/// <param name="Channels">Channels of one sample (1 for grayscale), at least 1.</param>
/// <param name="Height">Rows of one sample, in pixels.</param>
/// <param name="Width">Columns of one sample, in pixels.</param>
/// <param name="ClassNames">Class names by label; the model has one logit per name, at least 2.</param>
public sealed record ModelSpec(int Channels, int Height, int Width, IReadOnlyList<string> ClassNames)
{
    /// <summary>Fashion-MNIST's: <c>[1, 28, 28]</c> and its ten class names (the default of <c>summarize</c> and of files without metadata).</summary>
    public static ModelSpec FashionMnist { get; } = new(1, 28, 28, Data.FashionMnist.ClassNames);

    /// <summary>Number of classes (logits per sample).</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Shape of one sample, <c>[C, H, W]</c>.</summary>
    public long[] InputShape => [Channels, Height, Width];

    /// <summary>A specification from stored metadata.</summary>
    /// <param name="inputShape">Shape of one sample, <c>[C, H, W]</c>; null = <c>[1, 28, 28]</c> (files written before it was stored).</param>
    /// <param name="classNames">Class names by label.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentException">The shape is not three positive sizes of at most 4,096, or the class names are null, fewer than two, empty, repeated, or hold control or formatting characters.</exception>
    public static ModelSpec From(IReadOnlyList<long>? inputShape, IReadOnlyList<string>? classNames)
    {
        if (classNames is null)
        {
            throw new ArgumentException("class names: none (null); expected a list of at least 2 names");
        }

        inputShape ??= FashionMnist.InputShape;
        if (inputShape.Count != 3 || inputShape.Any(s => s < 1 || s > MaxSide) || inputShape[0] > MaxChannels)
        {
            throw new ArgumentException($"input shape [{string.Join(", ", inputShape)}]: expected [channels, height, width], channels 1–{MaxChannels}, sides 1–{MaxSide}");
        }

        if (classNames.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("class names: an empty or null name; every class needs a name");
        }

        if (classNames.FirstOrDefault(n => n.Any(IsHidden)) is { } odd)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"class names: name {IndexOf(classNames, odd)} holds control or formatting characters (terminal escapes, line breaks, direction overrides), which would be printed raw"));
        }

        if (classNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"class names: '{twice.Key}' is the name of {twice.Count()} classes; every class needs its own name"));
        }

        if (classNames.Count < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{classNames.Count} class name(s): a classifier needs at least 2 classes"));
        }

        return new ModelSpec((int)inputShape[0], (int)inputShape[1], (int)inputShape[2], classNames);
    }

    /// <summary>A control character or an invisible formatting one (U+202E, the right-to-left override, reorders a printed line).</summary>
    public static bool IsHidden(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (ReferenceEquals(names[i], name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Largest accepted height or width, in pixels.</summary>
    public const int MaxSide = 4096;

    /// <summary>Largest accepted channel count.</summary>
    public const int MaxChannels = 4;

    /// <summary>Whether <paramref name="other"/> has the same shape and the same class names, in order.</summary>
    public bool SameAs(ModelSpec other) =>
        other is not null && Channels == other.Channels && Height == other.Height && Width == other.Width && ClassNames.SequenceEqual(other.ClassNames, StringComparer.Ordinal);

    /// <summary><c>1 × 28 × 28, 10 classes</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Channels} × {Height} × {Width}, {ClassCount} classes");

    /// <summary>Output side of a convolution or pooling window (PyTorch's formula, dilation 1): <c>⌊(n + 2p − k) / s⌋ + 1</c>.</summary>
    /// <param name="n">Input side.</param>
    /// <param name="kernel">Window side.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="stride">Step.</param>
    /// <returns>The output side; 0 or less when the input is too small.</returns>
    public static int Out(int n, int kernel, int padding = 0, int stride = 1) => n + (2 * padding) - kernel < 0 ? 0 : ((n + (2 * padding) - kernel) / stride) + 1;
}
