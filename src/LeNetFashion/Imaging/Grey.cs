using SkiaSharp;

namespace LeNetFashion.Imaging;

/// <summary>Grey pictures as PNG files.</summary>
public static class Grey
{
    /// <summary>Encodes 8-bit grey levels, row by row, as a PNG (colour type grey, lossless).</summary>
    /// <param name="pixels">Grey levels 0–255, <paramref name="width"/> × <paramref name="height"/>, row by row.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] Png(byte[] pixels, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var span = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            pixels.AsSpan(y * width, width).CopyTo(span.Slice(y * bitmap.RowBytes, width));
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
