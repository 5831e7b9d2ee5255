namespace LeNetFashion.Imaging;

/// <summary>A picture turned into one Fashion-MNIST-like sample by <see cref="ImageInput"/>.</summary>
/// <param name="Pixels">Grey levels 0–255, <c>Height × Width</c> values row by row (28 × 28 = 784 for Fashion-MNIST), light object on black.</param>
/// <param name="Height">Rows of <paramref name="Pixels"/>.</param>
/// <param name="Width">Columns of <paramref name="Pixels"/>.</param>
/// <param name="SourceWidth">Width of the decoded picture, in pixels.</param>
/// <param name="SourceHeight">Height of the decoded picture, in pixels.</param>
/// <param name="BorderMean">Mean grey level (0–255) of the picture's outermost ring of pixels, after alpha compositing and before inversion.</param>
/// <param name="Inverted">Whether the grey levels were inverted.</param>
/// <param name="HadTransparency">Whether any pixel was not fully opaque (and was composited).</param>
public sealed record PreparedImage(byte[] Pixels, int Height, int Width, int SourceWidth, int SourceHeight, double BorderMean, bool Inverted, bool HadTransparency)
{
    /// <summary>How the picture was brought to <see cref="Height"/> × <see cref="Width"/>.</summary>
    public Preparation Preparation { get; init; }

    /// <summary>The EXIF orientation applied (1–8; 1 = as stored), or 0 when not read from a picture.</summary>
    public int Orientation { get; init; }

    /// <summary>The box kept by trimming, in pixels of the (oriented, possibly reduced) picture; null when not trimmed.</summary>
    public SkiaSharp.SKRectI? Trimmed { get; init; }
}
