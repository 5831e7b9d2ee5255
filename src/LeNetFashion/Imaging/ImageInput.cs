using System.Globalization;
using LeNetFashion.Data;
using SkiaSharp;

namespace LeNetFashion.Imaging;

/// <summary>
/// Turns a picture file (PNG, JPEG, BMP, WebP, GIF: whatever SkiaSharp decodes; any size; 8- or 16-bit; grey, RGB or
/// palette; with or without alpha) into one Fashion-MNIST-like sample: grey, light object on black, fitted into the
/// model's <c>H × W</c> (28 × 28) keeping the aspect ratio. The model's own <c>Preprocessing</c> is applied later, by
/// the classifier, exactly as for training and <c>eval</c>.
/// </summary>
/// <remarks>
/// Steps, in this order:
/// <list type="number">
/// <item>Decode to RGBA, 8 bits per channel, unpremultiplied (Skia converts 16-bit and palette images; no colour-space conversion).</item>
/// <item>Composite transparent pixels onto a plain background chosen to contrast with the visible content: white when the
/// alpha-weighted mean grey level of the content is below 127.5 (dark ink on a transparent canvas becomes dark on white),
/// black otherwise (a light garment on a transparent canvas stays light on black, as Fashion-MNIST).</item>
/// <item>Grey level = 0.299 R + 0.587 G + 0.114 B on the 0–255 values (ITU-R BT.601 luma, as Pillow's <c>convert("L")</c>
/// and torchvision's <c>Grayscale</c>).</item>
/// <item>Invert (255 − grey) when asked, or with <see cref="InvertMode.Auto"/> when the mean grey level of the picture's
/// outermost ring of pixels is above <see cref="BorderThreshold"/>: Fashion-MNIST garments are light on black, so a dark
/// object photographed on a light background is inverted.</item>
/// <item>Scale so that the longer side is the model's size (rounded, at least 1 pixel), with bilinear filtering between
/// mipmap levels (Skia; averages when shrinking), and centre it on a black (0) canvas, Fashion-MNIST's background:
/// padded, never stretched. An odd margin puts the extra pixel at the bottom/right.</item>
/// </list>
/// JPEG EXIF orientation is not applied: the picture is used as stored.
/// </remarks>
public static class ImageInput
{
    /// <summary>Mean border grey level (0–255) above which <see cref="InvertMode.Auto"/> inverts: the middle of the range.</summary>
    public const double BorderThreshold = 127.5;

    /// <summary>Largest picture accepted, in pixels (width × height): 100 megapixels, about 400 MB decoded.</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>Reads and prepares a picture file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="height">Rows of the sample (28).</param>
    /// <param name="width">Columns of the sample (28).</param>
    /// <param name="invert">Inversion rule.</param>
    /// <returns>The sample and what was done to it.</returns>
    /// <exception cref="DataFormatException">The file is missing, unreadable, not a picture SkiaSharp can decode, truncated, or larger than <see cref="MaxPixels"/>; the message names the file.</exception>
    public static PreparedImage Load(string path, int height, int width, InvertMode invert)
    {
        if (Directory.Exists(path))
        {
            throw new DataFormatException($"{path}: is a folder; expected an image file (PNG, JPEG, BMP, GIF or WebP)", path);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new DataFormatException($"{path}: file not found", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot read file ({e.Message})", path, e);
        }

        return Decode(path, bytes, height, width, invert);
    }

    /// <summary>Prepares a picture already in memory.</summary>
    /// <param name="name">File name for messages.</param>
    /// <param name="bytes">The encoded picture.</param>
    /// <param name="height">Rows of the sample (28).</param>
    /// <param name="width">Columns of the sample (28).</param>
    /// <param name="invert">Inversion rule.</param>
    /// <returns>The sample and what was done to it.</returns>
    /// <exception cref="DataFormatException">See <see cref="Load"/>.</exception>
    public static PreparedImage Decode(string name, byte[] bytes, int height, int width, InvertMode invert)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (bytes.Length == 0)
        {
            throw new DataFormatException($"{name}: file is empty; expected a PNG, JPEG, BMP or WebP picture", name);
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new DataFormatException($"{name}: not a picture SkiaSharp can decode; expected a PNG, JPEG, BMP or WebP file", name);
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        if (w < 1 || h < 1 || (long)w * h > MaxPixels)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{name}: {w} × {h} pixels; expected a picture of at most {MaxPixels:N0} pixels"), name);
        }

        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var rgba = new SKBitmap(info);
        var result = codec.GetPixels(info, rgba.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new DataFormatException($"{name}: cannot decode the {codec.EncodedFormat} picture ({result}); the file may be truncated or damaged", name);
        }

        var grey = ToGrey(rgba.GetPixelSpan(), w, h, rgba.RowBytes, out var hadTransparency);
        var border = BorderMean(grey, w, h);
        var inverted = invert == InvertMode.Yes || (invert == InvertMode.Auto && border > BorderThreshold);
        var levels = new byte[grey.Length];
        for (var i = 0; i < grey.Length; i++)
        {
            var g = inverted ? 255f - grey[i] : grey[i];
            levels[i] = (byte)Math.Clamp(MathF.Round(g), 0f, 255f);
        }

        return new PreparedImage(Fit(levels, w, h, height, width), height, width, w, h, border, inverted, hadTransparency);
    }

    /// <summary>
    /// Grey levels (0–255, float) of RGBA pixels, transparent pixels composited as the class remarks say.
    /// </summary>
    internal static float[] ToGrey(ReadOnlySpan<byte> rgba, int w, int h, int rowBytes, out bool hadTransparency)
    {
        var luma = new float[w * h];
        var alpha = new float[w * h];
        double weighted = 0, alphaSum = 0;
        hadTransparency = false;
        for (var y = 0; y < h; y++)
        {
            var row = rgba.Slice(y * rowBytes, w * 4);
            for (var x = 0; x < w; x++)
            {
                var p = row.Slice(x * 4, 4);
                var l = (0.299f * p[0]) + (0.587f * p[1]) + (0.114f * p[2]);
                var a = p[3] / 255f;
                luma[(y * w) + x] = l;
                alpha[(y * w) + x] = a;
                weighted += a * l;
                alphaSum += a;
                hadTransparency |= p[3] != 255;
            }
        }

        if (!hadTransparency)
        {
            return luma;
        }

        var background = alphaSum > 0 && weighted / alphaSum < BorderThreshold ? 255f : 0f;
        for (var i = 0; i < luma.Length; i++)
        {
            luma[i] = (alpha[i] * luma[i]) + ((1 - alpha[i]) * background);
        }

        return luma;
    }

    /// <summary>Mean of the outermost ring of pixels (each pixel once), 0–255.</summary>
    internal static double BorderMean(float[] grey, int w, int h)
    {
        double sum = 0;
        var count = 0;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1)
                {
                    sum += grey[(y * w) + x];
                    count++;
                }
            }
        }

        return sum / count;
    }

    /// <summary>Scales grey levels into <paramref name="width"/> × <paramref name="height"/> keeping the aspect ratio, centred on black.</summary>
    internal static byte[] Fit(byte[] levels, int w, int h, int height, int width)
    {
        var scale = Math.Min((double)width / w, (double)height / h);
        var nw = Math.Clamp((int)Math.Round(w * scale), 1, width);
        var nh = Math.Clamp((int)Math.Round(h * scale), 1, height);
        var canvas = new byte[height * width];
        var (left, top) = ((width - nw) / 2, (height - nh) / 2);

        using var source = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        var src = source.GetPixelSpan();
        for (var y = 0; y < h; y++)
        {
            levels.AsSpan(y * w, w).CopyTo(src.Slice(y * source.RowBytes, w));
        }

        using var scaled = nw == w && nh == h
            ? source.Copy()
            : source.Resize(new SKImageInfo(nw, nh, SKColorType.Gray8, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var dst = scaled.GetPixelSpan();
        for (var y = 0; y < nh; y++)
        {
            dst.Slice(y * scaled.RowBytes, nw).CopyTo(canvas.AsSpan(((top + y) * width) + left, nw));
        }

        return canvas;
    }
}
