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
/// <item>Pictures over <see cref="FullDecodePixels"/> pixels are reduced while they are decoded: JPEG and WebP by the
/// codec's own scaled decoding, others in strips of rows by averaging k × k blocks (k = ⌈longer side /
/// <see cref="WorkingSide"/>⌉) of the composited grey levels, so memory stays near <see cref="WorkingSide"/>² whatever the
/// picture's size (a 10000 × 10000 PNG took 1.5 GB before).</item>
/// <item>Composite transparent pixels onto a plain background (<see cref="BackgroundMode"/>; by default): white only
/// for dark ink, that is when the alpha-weighted mean grey level of the content is below 127.5 and it covers at most
/// <see cref="InkCoverage"/> of the canvas (a dark stroke on a transparent canvas becomes dark on white, then is inverted
/// into a light stroke on black); black otherwise, so an object keeps its own polarity as in Fashion-MNIST (a light
/// garment stays light, a dark garment stays dark, on black).</item>
/// <item>Grey level = 0.299 R + 0.587 G + 0.114 B on the 0–255 values (ITU-R BT.601 luma, as Pillow's <c>convert("L")</c>
/// and torchvision's <c>Grayscale</c>).</item>
/// <item>Invert (255 − grey) when asked, or with <see cref="InvertMode.Auto"/> when the mean grey level of the picture's
/// outermost ring of pixels is above <see cref="BorderThreshold"/>: Fashion-MNIST garments are light on black, so a dark
/// object photographed on a light background is inverted.</item>
/// <item>Scale so that the longer side is the model's size (rounded, at least 1 pixel), with bilinear filtering between
/// mipmap levels (Skia; averages when shrinking), and centre it on a black (0) canvas, Fashion-MNIST's background:
/// padded, never stretched. An odd margin puts the extra pixel at the bottom/right.</item>
/// </list>
/// After compositing and grey conversion the picture is turned upright by its EXIF orientation, and brought to
/// <c>H × W</c> by the chosen <see cref="Preparation"/>: <see cref="Preparation.None"/> fits the whole picture as the last
/// step above says; <see cref="Preparation.FashionMnist"/> first trims the background (<see cref="TrimBox"/>) and scales
/// by area averaging; <see cref="Preparation.Mnist"/> trims, fits into 20 × 20 and centres the centre of mass.
/// </remarks>
public static class ImageInput
{
    /// <summary>Mean border grey level (0–255) above which <see cref="InvertMode.Auto"/> inverts: the middle of the range.</summary>
    public const double BorderThreshold = 127.5;

    /// <summary>Largest picture accepted, in pixels (width × height): 400 megapixels (20000 × 20000).</summary>
    public const long MaxPixels = 400_000_000;

    /// <summary>Largest picture decoded whole, in pixels (1024 × 1024, about 13 MB while decoding); larger ones are reduced while they are decoded.</summary>
    public const long FullDecodePixels = 1024 * 1024;

    /// <summary>Largest picture decoded whole when it cannot be read in strips (an interlaced PNG), in pixels: 16 megapixels, about 200 MB while decoding.</summary>
    public const long FallbackPixels = 4096 * 4096;

    /// <summary>Longer side, in pixels, that a larger picture is reduced to (at most) while it is decoded.</summary>
    public const int WorkingSide = 1024;

    /// <summary>Largest picture file read, in bytes (64 MiB; a 100-megapixel photo is about 30 MB): a device such as /dev/zero or a huge file is refused, not read to the end.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>
    /// Largest share of the canvas (alpha-weighted) that dark content on a transparent canvas may cover to count as ink
    /// (put on white and then inverted) rather than a dark object (kept on black): 0.35. MNIST digits cover about 19 %
    /// of their 28 × 28 canvas, Fashion-MNIST garments about half.
    /// </summary>
    public const double InkCoverage = 0.35;

    /// <summary>Reads and prepares a picture file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="height">Rows of the sample (28).</param>
    /// <param name="width">Columns of the sample (28).</param>
    /// <param name="invert">Inversion rule.</param>
    /// <param name="background">What transparent pixels are composited onto.</param>
    /// <param name="preparation">How the picture is brought to <paramref name="height"/> × <paramref name="width"/>.</param>
    /// <returns>The sample and what was done to it.</returns>
    /// <exception cref="DataFormatException">The file is missing, unreadable, over <see cref="MaxFileBytes"/>, not a picture SkiaSharp can decode, truncated, or larger than <see cref="MaxPixels"/>; the message names the file.</exception>
    public static PreparedImage Load(string path, int height, int width, InvertMode invert, BackgroundMode background = BackgroundMode.Auto, Preparation preparation = Preparation.None)
    {
        if (Directory.Exists(path))
        {
            throw new DataFormatException($"{path}: is a folder; expected an image file (PNG, JPEG, BMP, GIF or WebP)", path);
        }

        byte[] bytes;
        try
        {
            bytes = ReadBounded(path);
        }
        catch (FileNotFoundException)
        {
            throw new DataFormatException($"{path}: file not found", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot read file ({e.Message})", path, e);
        }

        return Decode(path, bytes, height, width, invert, background, preparation);
    }

    /// <summary>Reads a file of at most <see cref="MaxFileBytes"/>, never further (a device or pipe has no length to trust).</summary>
    private static byte[] ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var tooBig = new DataFormatException(string.Create(CultureInfo.InvariantCulture, $"{path}: more than {MaxFileBytes:N0} bytes; expected a picture file (PNG, JPEG, BMP, GIF or WebP)"), path);
        if (stream.CanSeek && stream.Length > MaxFileBytes)
        {
            throw tooBig;
        }

        using var buffer = new MemoryStream(stream.CanSeek && stream.Length > 0 ? (int)stream.Length : 81920);
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
            {
                throw tooBig;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>Prepares a picture already in memory.</summary>
    /// <param name="name">File name for messages.</param>
    /// <param name="bytes">The encoded picture.</param>
    /// <param name="height">Rows of the sample (28).</param>
    /// <param name="width">Columns of the sample (28).</param>
    /// <param name="invert">Inversion rule.</param>
    /// <param name="background">What transparent pixels are composited onto.</param>
    /// <param name="preparation">How the picture is brought to <paramref name="height"/> × <paramref name="width"/>.</param>
    /// <returns>The sample and what was done to it.</returns>
    /// <exception cref="DataFormatException">See <see cref="Load"/>.</exception>
    public static PreparedImage Decode(string name, byte[] bytes, int height, int width, InvertMode invert, BackgroundMode background = BackgroundMode.Auto, Preparation preparation = Preparation.None)
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

        var (grey, gw, gh, hadTransparency) = (long)w * h <= FullDecodePixels
            ? DecodeWhole(name, codec, w, h, background)
            : DecodeReduced(name, data, codec, w, h, background);
        var origin = codec.EncodedOrigin;
        (grey, gw, gh) = Orient(grey, gw, gh, origin);
        var border = BorderMean(grey, gw, gh);
        var inverted = invert == InvertMode.Yes || (invert == InvertMode.Auto && border > BorderThreshold);
        var levels = new byte[grey.Length];
        for (var i = 0; i < grey.Length; i++)
        {
            var g = inverted ? 255f - grey[i] : grey[i];
            levels[i] = (byte)Math.Clamp(MathF.Round(g), 0f, 255f);
        }

        var lossless = codec.EncodedFormat is SKEncodedImageFormat.Png or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Gif;
        var box = preparation == Preparation.None ? null : TrimBox(grey, gw, gh, lossless);
        byte[] pixels;
        if (box is { } b)
        {
            var (cw, ch) = (b.Right - b.Left, b.Bottom - b.Top);
            var crop = new byte[cw * ch];
            for (var y = 0; y < ch; y++)
            {
                levels.AsSpan(((b.Top + y) * gw) + b.Left, cw).CopyTo(crop.AsSpan(y * cw, cw));
            }

            pixels = preparation == Preparation.Mnist ? CentreOfMass(crop, cw, ch, height, width) : Fit(crop, cw, ch, height, width, AreaResize, extraPixelFirst: true);
        }
        else
        {
            pixels = Fit(levels, gw, gh, height, width);
        }

        return new PreparedImage(pixels, height, width, w, h, border, inverted, hadTransparency)
        {
            Preparation = preparation,
            Orientation = (int)origin,
            Trimmed = box,
        };
    }

    /// <summary>Share of the range (0–255) within which a pixel counts as background when trimming: 5 %, as Fashion-MNIST's conversion.</summary>
    public const double TrimTolerance = 0.05;

    /// <summary>
    /// The bounding box of what differs from the background: the background grey is the median of the outermost ring
    /// of pixels, and a pixel is background when within <see cref="TrimTolerance"/> of the range of it, or within three
    /// robust standard deviations of the ring (1.4826 × its median absolute deviation) when the ring is noisier (a JPEG's
    /// background), at most 25 % of the range; an object pixel needs two neighbours that differ too (noise is single
    /// pixels). A perfectly flat ring in a lossless file (PNG, BMP, GIF: a drawing, a data-set image re-drawn) has no
    /// noise: there every pixel that differs at all is object. A JPEG or WebP always gets the tolerance (its ring can be
    /// flat while its compression leaves faint pixels around the object). Rows and columns are trimmed from the edges inwards until one holds object pixels (1 % of it, at least
    /// one), so the box never cuts into the object. Null when nothing differs from the background.
    /// </summary>
    internal static SKRectI? TrimBox(float[] grey, int w, int h, bool lossless = true)
    {
        var ring = new List<float>((2 * (w + h)) + 4);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1)
                {
                    ring.Add(grey[(y * w) + x]);
                }
                else if (x == 1)
                {
                    x = w - 2; // skip the inside of the row
                }
            }
        }

        ring.Sort();
        var background = ring[ring.Count / 2];
        var deviations = ring.Select(v => Math.Abs(v - background)).OrderBy(v => v).ToList();
        // A perfectly flat border (a drawing, a rendered picture, a data-set image re-drawn) has no noise to tolerate:
        // every pixel that differs at all is object, so the box is exactly the drawing's (as the data set's image was).
        var flat = lossless && ring[0] == ring[^1];
        var tolerance = flat ? 0.5 : Math.Min(0.25 * 255, Math.Max(TrimTolerance * 255, 3 * 1.4826 * deviations[deviations.Count / 2]));
        // A pixel is object when it and at least two of its eight neighbours differ from the background by more than the
        // tolerance (a JPEG's lone noisy pixels do not; an object's edge does, without widening the box), and a row or
        // column is object when at least 1 % of it (one pixel at least) is. On a flat border every differing pixel counts.
        bool Differs(int x, int y) => x >= 0 && x < w && y >= 0 && y < h && Math.Abs(grey[(y * w) + x] - background) > tolerance;
        bool Object(int x, int y)
        {
            if (!Differs(x, y))
            {
                return false;
            }

            if (flat)
            {
                return true;
            }

            var neighbours = 0;
            for (var dy = -1; dy <= 1 && neighbours < 2; dy++)
            {
                for (var dx = -1; dx <= 1 && neighbours < 2; dx++)
                {
                    neighbours += (dx != 0 || dy != 0) && Differs(x + dx, y + dy) ? 1 : 0;
                }
            }

            return neighbours >= 2;
        }

        int top = 0, bottom = h, left = 0, right = w;
        while (top < bottom && !Row(top))
        {
            top++;
        }

        if (top == bottom)
        {
            return null;
        }

        while (!Row(bottom - 1))
        {
            bottom--;
        }

        while (!Column(left))
        {
            left++;
        }

        while (!Column(right - 1))
        {
            right--;
        }

        return new SKRectI(left, top, right, bottom);

        bool Row(int y)
        {
            var (count, needed) = (0, flat ? 1 : Math.Max(1, w / 100));
            for (var x = 0; x < w && count < needed; x++)
            {
                count += Object(x, y) ? 1 : 0;
            }

            return count >= needed;
        }

        bool Column(int x)
        {
            var (count, needed) = (0, flat ? 1 : Math.Max(1, (bottom - top) / 100));
            for (var y = top; y < bottom && count < needed; y++)
            {
                count += Object(x, y) ? 1 : 0;
            }

            return count >= needed;
        }
    }

    /// <summary>
    /// MNIST's placement: the object scaled so its longer side is 5/7 of the canvas's shorter side (20 of 28) with its
    /// aspect kept, then put where its centre of mass (grey levels as weights, at pixel centres) falls on the canvas's
    /// centre, rounded to whole pixels; what would fall outside is cut.
    /// </summary>
    internal static byte[] CentreOfMass(byte[] levels, int w, int h, int height, int width)
    {
        var box = Math.Max(1, (int)Math.Round(Math.Min(height, width) * 20.0 / 28.0));
        var scale = (double)box / Math.Max(w, h);
        var nw = Math.Clamp((int)Math.Round(w * scale), 1, box);
        var nh = Math.Clamp((int)Math.Round(h * scale), 1, box);
        var scaled = AreaResize(levels, w, h, nw, nh);
        double sum = 0, sx = 0, sy = 0;
        for (var y = 0; y < nh; y++)
        {
            for (var x = 0; x < nw; x++)
            {
                var v = scaled[(y * nw) + x];
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }

        var (cx, cy) = sum > 0 ? (sx / sum, sy / sum) : (nw / 2.0, nh / 2.0);
        var left = (int)Math.Round((width / 2.0) - cx);
        var top = (int)Math.Round((height / 2.0) - cy);
        var canvas = new byte[height * width];
        for (var y = 0; y < nh; y++)
        {
            for (var x = 0; x < nw; x++)
            {
                var (tx, ty) = (left + x, top + y);
                if (tx >= 0 && tx < width && ty >= 0 && ty < height)
                {
                    canvas[(ty * width) + tx] = scaled[(y * nw) + x];
                }
            }
        }

        return canvas;
    }

    /// <summary>
    /// The picture as displayed: rotated and mirrored by its EXIF orientation (JPEG; Skia reads the tag but decodes the
    /// pixels as stored). Orientation 6 (a phone held upright) turns the stored picture 90° clockwise, 8 counter-clockwise.
    /// </summary>
    internal static (float[] Grey, int Width, int Height) Orient(float[] grey, int w, int h, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0)
        {
            return (grey, w, h);
        }

        var transposed = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (ow, oh) = transposed ? (h, w) : (w, h);
        var result = new float[grey.Length];
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x), // LeftBottom
                };
                result[(y * ow) + x] = grey[(sy * w) + sx];
            }
        }

        return (result, ow, oh);
    }

    private static (float[] Grey, int Width, int Height, bool HadTransparency) DecodeWhole(string name, SKCodec codec, int w, int h, BackgroundMode background)
    {
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var rgba = new SKBitmap(info);
        var result = codec.GetPixels(info, rgba.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new DataFormatException($"{name}: cannot decode the {codec.EncodedFormat} picture ({result}); the file may be truncated or damaged", name);
        }

        var grey = ToGrey(rgba.GetPixelSpan(), w, h, rgba.RowBytes, out var hadTransparency, background);
        return (grey, w, h, hadTransparency);
    }

    /// <summary>
    /// Decodes a large picture while reducing it: JPEG and WebP at a smaller scale by the codec itself; otherwise in strips
    /// of rows (Skia's incremental decoder with a subset, which PNG supports, or its scanline decoder), keeping per k × k
    /// block the sums of luma × alpha, alpha and luma; compositing the block means gives exactly the mean of the
    /// composited pixels. A picture no decoder reads in strips (an interlaced PNG) is decoded whole up to
    /// <see cref="FallbackPixels"/>, and refused above.
    /// </summary>
    private static (float[] Grey, int Width, int Height, bool HadTransparency) DecodeReduced(string name, SKData data, SKCodec codec, int w, int h, BackgroundMode background)
    {
        var scaled = codec.GetScaledDimensions((float)WorkingSide / Math.Max(w, h));
        if (scaled.Width >= 1 && scaled.Height >= 1 && (long)scaled.Width * scaled.Height <= FullDecodePixels)
        {
            return DecodeWhole(name, codec, scaled.Width, scaled.Height, background);
        }

        // An interlaced PNG decoded in strips is decoded whole once per strip (a 16000 × 16000 one took 101 s of CPU):
        // up to FallbackPixels it is decoded whole once, above that refused.
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && IsInterlacedPng(data))
        {
            return (long)w * h <= FallbackPixels
                ? DecodeWhole(name, codec, w, h, background)
                : throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: an interlaced {w} × {h} PNG; interlaced pictures are read whole, up to {FallbackPixels:N0} pixels; save it smaller or not interlaced"), name);
        }

        var k = (int)Math.Ceiling(Math.Max(w, h) / (double)WorkingSide);
        var (rw, rh) = ((w + k - 1) / k, (h + k - 1) / k);
        var premultiplied = new float[rw * rh];
        var alpha = new float[rw * rh];
        double weighted = 0, alphaSum = 0;
        var hadTransparency = false;
        var rows = ForEachRow(codec, w, h, (row, y) =>
        {
            var cells = (y / k) * rw;
            for (var x = 0; x < w; x++)
            {
                var l = (0.299f * row[x * 4]) + (0.587f * row[(x * 4) + 1]) + (0.114f * row[(x * 4) + 2]);
                var a = row[(x * 4) + 3] / 255f;
                premultiplied[cells + (x / k)] += a * l;
                alpha[cells + (x / k)] += a;
                weighted += a * l;
                alphaSum += a;
                hadTransparency |= row[(x * 4) + 3] != 255;
            }
        });
        if (rows != SKCodecResult.Success)
        {
            if ((long)w * h <= FallbackPixels && rows is SKCodecResult.Unimplemented or SKCodecResult.InvalidParameters or SKCodecResult.ErrorInInput)
            {
                using var again = SKCodec.Create(data) ?? throw new DataFormatException($"{name}: cannot decode the {codec.EncodedFormat} picture", name);
                return DecodeWhole(name, again, w, h, background);
            }

            throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: cannot decode the {w} × {h} {codec.EncodedFormat} picture in strips ({rows}: truncated or damaged, or interlaced); a picture over {FallbackPixels:N0} pixels must be read in strips; save it smaller or not interlaced"), name);
        }

        var fill = BackgroundLevel(background, hadTransparency, weighted, alphaSum, (long)w * h);
        var grey = new float[rw * rh];
        for (var cy = 0; cy < rh; cy++)
        {
            for (var cx = 0; cx < rw; cx++)
            {
                double n = (Math.Min(w, (cx + 1) * k) - (cx * k)) * (Math.Min(h, (cy + 1) * k) - (cy * k));
                var i = (cy * rw) + cx;
                grey[i] = (float)((premultiplied[i] / n) + ((1 - (alpha[i] / n)) * fill));
            }
        }

        return (grey, rw, rh, hadTransparency);
    }

    /// <summary>Whether a PNG's header says Adam7 interlacing (IHDR's last byte, at offset 28 of the file).</summary>
    private static bool IsInterlacedPng(SKData data)
    {
        var bytes = data.AsSpan();
        return bytes.Length > 28 && bytes[12] == (byte)'I' && bytes[13] == (byte)'H' && bytes[14] == (byte)'D' && bytes[15] == (byte)'R' && bytes[28] == 1;
    }

    /// <summary>Rows per strip of <see cref="ForEachRow"/>.</summary>
    private const int StripRows = 256;

    /// <summary>
    /// Calls <paramref name="row"/> with each row of the picture, top to bottom, as RGBA 8-bit unpremultiplied, holding at
    /// most <see cref="StripRows"/> rows in memory.
    /// </summary>
    /// <returns>Success, or the first failure of the codec.</returns>
    private static unsafe SKCodecResult ForEachRow(SKCodec codec, int w, int h, Action<ReadOnlySpan<byte>, int> row)
    {
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rowBytes = w * 4;
        var strip = new byte[rowBytes * Math.Min(StripRows, h)];
        fixed (byte* p = strip)
        {
            // Strips through the incremental decoder with a subset of full rows (PNG).
            var first = codec.StartIncrementalDecode(info, (IntPtr)p, rowBytes, new SKCodecOptions(new SKRectI(0, 0, w, Math.Min(StripRows, h))));
            if (first == SKCodecResult.Success)
            {
                for (var top = 0; top < h; top += StripRows)
                {
                    var count = Math.Min(StripRows, h - top);
                    var start = top == 0 ? first : codec.StartIncrementalDecode(info, (IntPtr)p, rowBytes, new SKCodecOptions(new SKRectI(0, top, w, top + count)));
                    var result = start == SKCodecResult.Success ? codec.IncrementalDecode() : start;
                    if (result != SKCodecResult.Success)
                    {
                        return result;
                    }

                    for (var y = 0; y < count; y++)
                    {
                        row(strip.AsSpan(y * rowBytes, rowBytes), top + y);
                    }
                }

                return SKCodecResult.Success;
            }

            // Otherwise the scanline decoder, top-down only.
            var scan = codec.StartScanlineDecode(info);
            if (scan != SKCodecResult.Success || codec.ScanlineOrder != SKCodecScanlineOrder.TopDown)
            {
                return scan == SKCodecResult.Success ? SKCodecResult.Unimplemented : scan;
            }

            for (var y = 0; y < h; y++)
            {
                if (codec.GetScanlines((IntPtr)p, 1, rowBytes) != 1)
                {
                    return SKCodecResult.IncompleteInput;
                }

                row(strip.AsSpan(0, rowBytes), y);
            }

            return SKCodecResult.Success;
        }
    }

    /// <summary>The grey level (0 or 255) transparent pixels are composited onto; see the class remarks.</summary>
    /// <param name="background">The user's choice.</param>
    /// <param name="hadTransparency">Whether any pixel was not opaque.</param>
    /// <param name="weighted">Σ alpha × luma over the picture.</param>
    /// <param name="alphaSum">Σ alpha over the picture.</param>
    /// <param name="pixels">Pixels in the picture.</param>
    internal static float BackgroundLevel(BackgroundMode background, bool hadTransparency, double weighted, double alphaSum, long pixels) => background switch
    {
        BackgroundMode.White => 255f,
        BackgroundMode.Black => 0f,
        _ when !hadTransparency => 0f,
        _ => alphaSum > 0 && weighted / alphaSum < BorderThreshold && alphaSum / pixels <= InkCoverage ? 255f : 0f,
    };

    /// <summary>
    /// Grey levels (0–255, float) of RGBA pixels, transparent pixels composited as the class remarks say.
    /// </summary>
    internal static float[] ToGrey(ReadOnlySpan<byte> rgba, int w, int h, int rowBytes, out bool hadTransparency, BackgroundMode mode = BackgroundMode.Auto)
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

        var background = BackgroundLevel(mode, hadTransparency, weighted, alphaSum, (long)w * h);
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

    /// <summary>Scales grey levels into <paramref name="width"/> × <paramref name="height"/> keeping the aspect ratio, centred on black (<paramref name="resize"/>: Skia's filter by default).</summary>
    internal static byte[] Fit(byte[] levels, int w, int h, int height, int width, Func<byte[], int, int, int, int, byte[]>? resize = null, bool extraPixelFirst = false)
    {
        var scale = Math.Min((double)width / w, (double)height / h);
        var nw = Math.Clamp((int)Math.Round(w * scale), 1, width);
        var nh = Math.Clamp((int)Math.Round(h * scale), 1, height);
        var canvas = new byte[height * width];
        // An odd margin's extra pixel goes to the bottom/right, or with extraPixelFirst to the top/left, as in
        // Fashion-MNIST's images (measured on its 10,000 test images: the left margin is ⌈(28 − w) / 2⌉ in 3,224 of the
        // 3,234 with an odd horizontal margin).
        var (left, top) = extraPixelFirst ? ((width - nw + 1) / 2, (height - nh + 1) / 2) : ((width - nw) / 2, (height - nh) / 2);
        var scaled = (resize ?? Resize)(levels, w, h, nw, nh);
        for (var y = 0; y < nh; y++)
        {
            scaled.AsSpan(y * nw, nw).CopyTo(canvas.AsSpan(((top + y) * width) + left, nw));
        }

        return canvas;
    }

    /// <summary>Scales grey levels to <paramref name="nw"/> × <paramref name="nh"/> with bilinear filtering between mipmap levels (Skia; averages when shrinking).</summary>
    internal static byte[] Resize(byte[] levels, int w, int h, int nw, int nh)
    {
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
        var result = new byte[nw * nh];
        for (var y = 0; y < nh; y++)
        {
            dst.Slice(y * scaled.RowBytes, nw).CopyTo(result.AsSpan(y * nw, nw));
        }

        return result;
    }

    /// <summary>
    /// Scales grey levels to <paramref name="nw"/> × <paramref name="nh"/> by area averaging when shrinking (each target
    /// pixel is the mean of the source area it covers, partial pixels weighted by their share; an integer factor k gives
    /// exactly the k × k block means, so a picture enlarged by k comes back unchanged) and bilinear interpolation when
    /// enlarging. Used by the <see cref="Preparation.FashionMnist"/> and <see cref="Preparation.Mnist"/> preparations.
    /// </summary>
    internal static byte[] AreaResize(byte[] levels, int w, int h, int nw, int nh)
    {
        if (nw > w || nh > h)
        {
            return Resize(levels, w, h, nw, nh);
        }

        var horizontal = Weights(w, nw);
        var vertical = Weights(h, nh);
        var rows = new double[h * nw];
        for (var y = 0; y < h; y++)
        {
            foreach (var (target, source, weight) in horizontal)
            {
                rows[(y * nw) + target] += weight * levels[(y * w) + source];
            }
        }

        var result = new double[nw * nh];
        foreach (var (target, source, weight) in vertical)
        {
            for (var x = 0; x < nw; x++)
            {
                result[(target * nw) + x] += weight * rows[(source * nw) + x];
            }
        }

        return [.. result.Select(v => (byte)Math.Clamp(Math.Round(v), 0, 255))];

        // (target, source, weight): the share of source pixel s inside target pixel t, over the target's width in source pixels.
        static List<(int Target, int Source, double Weight)> Weights(int from, int to)
        {
            var scale = (double)from / to;
            var weights = new List<(int, int, double)>();
            for (var t = 0; t < to; t++)
            {
                var (start, end) = (t * scale, (t + 1) * scale);
                for (var s = (int)Math.Floor(start); s < Math.Min(from, (int)Math.Ceiling(end)); s++)
                {
                    var overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (overlap > 1e-12)
                    {
                        weights.Add((t, s, overlap / scale));
                    }
                }
            }

            return weights;
        }
    }
}
