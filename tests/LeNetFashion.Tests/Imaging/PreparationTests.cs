using System.Buffers.Binary;
using LeNetFashion.Imaging;
using SkiaSharp;
using Xunit;

namespace LeNetFashion.Tests.Imaging;

/// <summary>
/// <c>predict</c>'s preparation as the data sets were made (issue 22): a data-set image re-drawn as a photo (dark on
/// white, enlarged, on a canvas with margins, as JPEG with noise, stored rotated with an EXIF orientation) comes back
/// as the same 28 × 28 input; MNIST's centring puts a digit's centre of mass at the centre wherever it was drawn.
/// </summary>
public sealed class PreparationTests
{
    /// <summary>
    /// A garment as in the data set: a light shirt-like shape on black, drawn at 28 × 28 with its longer side spanning
    /// the picture (as Fashion-MNIST's conversion leaves it), with shading so that the pixel values matter.
    /// </summary>
    private static byte[] Garment()
    {
        var pixels = new byte[28 * 28];
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                var body = x is >= 7 and < 21;
                var sleeves = y < 10 && x is >= 2 and < 26;
                if (body || sleeves)
                {
                    pixels[(y * 28) + x] = (byte)(120 + (4 * y) + (x % 5 * 6));
                }
            }
        }

        return pixels;
    }

    /// <summary>
    /// The 28 × 28 image re-drawn as a product photo: each pixel a <paramref name="scale"/>-pixel square, dark on white
    /// (255 − v), on a white canvas with the given margins, plus optional noise; encoded as PNG or JPEG.
    /// </summary>
    private static byte[] Photo(byte[] image, int scale, int left, int top, int right, int bottom, int noise = 0, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int rotateQuarterTurns = 0)
    {
        var (w, h) = ((28 * scale) + left + right, (28 * scale) + top + bottom);
        var random = new Random(5);
        var grey = new byte[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var (ix, iy) = ((x - left) / scale, (y - top) / scale);
                var inside = x >= left && y >= top && ix < 28 && iy < 28;
                var v = inside ? 255 - image[(iy * 28) + ix] : 255;
                grey[(y * w) + x] = (byte)Math.Clamp(v + (noise == 0 ? 0 : random.Next(-noise, noise + 1)), 0, 255);
            }
        }

        // Stored turned by quarter turns counter-clockwise (what a phone stores before its EXIF orientation turns it back).
        for (var t = 0; t < rotateQuarterTurns; t++)
        {
            var turned = new byte[grey.Length];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    turned[((w - 1 - x) * h) + y] = grey[(y * w) + x];
                }
            }

            (grey, w, h) = (turned, h, w);
        }

        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        var span = bitmap.GetPixelSpan();
        for (var y = 0; y < h; y++)
        {
            grey.AsSpan(y * w, w).CopyTo(span.Slice(y * bitmap.RowBytes, w));
        }

        using var data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>A JPEG with an EXIF APP1 segment holding only the orientation tag (0x0112), inserted after SOI.</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[26];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8); // first IFD
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1); // one entry
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3); // SHORT
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), orientation);
        byte[] app1 = [0xFF, 0xE1, 0, 0, .. "Exif\0\0"u8.ToArray(), .. tiff];
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), (ushort)(app1.Length - 2));
        return [.. jpeg.AsSpan(0, 2).ToArray(), .. app1, .. jpeg.AsSpan(2).ToArray()];
    }

    private static PreparedImage Prepare(byte[] picture, Preparation preparation) => ImageInput.Decode("photo", picture, 28, 28, InvertMode.Auto, BackgroundMode.Auto, preparation);

    private static void AssertClose(byte[] expected, PreparedImage actual, double meanTolerance, int maxTolerance)
    {
        var differences = expected.Zip(actual.Pixels, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.True(differences.Average() <= meanTolerance && differences.Max() <= maxTolerance,
            $"mean difference {differences.Average():F2}, largest {differences.Max()} grey levels");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_garment_with_wide_background_margins_comes_back_as_the_data_set_image(int margin)
    {
        var image = Garment();
        var side = 28 * 4;
        var photo = Photo(image, 4, margin * side, margin * side, margin * side, margin * side);

        var fitted = Prepare(photo, Preparation.None);
        var prepared = Prepare(photo, Preparation.FashionMnist);

        Assert.True(prepared.Inverted);
        Assert.Equal(image, prepared.Pixels); // exactly: a flat PNG background is trimmed to the drawing, and 4 × 4 block means undo the enlargement
        // Without trimming the garment shrinks to a third, a fifth, a ninth of the picture.
        Assert.True(fitted.Pixels.Count(p => p > 60) < image.Count(p => p > 60) / 4);
    }

    [Theory]
    [InlineData(300, 20)] // wide canvas
    [InlineData(20, 300)] // tall canvas
    public void A_garment_on_a_wide_or_tall_canvas_comes_back_as_the_data_set_image(int sideMargin, int topMargin)
    {
        var image = Garment();

        var prepared = Prepare(Photo(image, 3, sideMargin, topMargin, sideMargin / 2, topMargin / 3), Preparation.FashionMnist);

        Assert.Equal(image, prepared.Pixels);
    }

    [Fact]
    public void A_jpeg_with_noise_in_the_background_is_trimmed_to_the_garment_not_to_the_noise()
    {
        var image = Garment();

        var prepared = Prepare(Photo(image, 4, 150, 90, 60, 200, noise: 10, format: SKEncodedImageFormat.Jpeg), Preparation.FashionMnist);

        AssertClose(image, prepared, 4.0, 48);
        Assert.Equal(0, prepared.Pixels[0]); // the corner is background, not noise
    }

    [Theory]
    [InlineData(6, 1)] // stored turned a quarter counter-clockwise; orientation 6 turns it clockwise
    [InlineData(8, 3)] // stored turned three quarters; orientation 8 turns it counter-clockwise
    public void A_portrait_jpeg_with_an_exif_orientation_is_turned_upright_first(ushort orientation, int storedTurns)
    {
        var image = Garment();
        var upright = Prepare(Photo(image, 4, 40, 60, 40, 60, format: SKEncodedImageFormat.Jpeg), Preparation.FashionMnist);
        var stored = Photo(image, 4, 40, 60, 40, 60, format: SKEncodedImageFormat.Jpeg, rotateQuarterTurns: storedTurns);

        var withExif = Prepare(WithExifOrientation(stored, orientation), Preparation.FashionMnist);
        var withoutExif = Prepare(stored, Preparation.FashionMnist);

        Assert.Equal(orientation, withExif.Orientation);
        AssertClose(image, withExif, 4.0, 48);
        Assert.True(upright.Pixels.Zip(withExif.Pixels, (a, b) => Math.Abs(a - b)).Average() <= 2.0);
        Assert.True(image.Zip(withoutExif.Pixels, (a, b) => Math.Abs(a - b)).Average() > 20, "without the tag the garment lies on its side");
    }

    [Fact]
    public void A_digit_drawn_off_centre_is_fitted_into_20_by_20_with_its_centre_of_mass_at_the_centre()
    {
        // A "7": a bar on top and a diagonal stroke; ink dark on white, in the top-left corner of a large canvas.
        var digit = new byte[28 * 28];
        for (var x = 4; x < 20; x++)
        {
            digit[(3 * 28) + x] = digit[(4 * 28) + x] = 255;
        }

        for (var y = 5; y < 24; y++)
        {
            var x = 19 - ((y - 5) / 2);
            digit[(y * 28) + x] = digit[(y * 28) + x - 1] = 255;
        }

        var centred = Prepare(Photo(digit, 3, 0, 0, 0, 0), Preparation.Mnist);
        var offCentre = Prepare(Photo(digit, 5, 10, 6, 400, 300), Preparation.Mnist);

        AssertClose(centred.Pixels, offCentre, 2.0, 80);
        double sum = 0, cx = 0, cy = 0;
        for (var i = 0; i < 784; i++)
        {
            sum += offCentre.Pixels[i];
            cx += offCentre.Pixels[i] * ((i % 28) + 0.5);
            cy += offCentre.Pixels[i] * ((i / 28) + 0.5);
        }

        Assert.InRange(cx / sum, 13.5, 14.5);
        Assert.InRange(cy / sum, 13.5, 14.5);
        var rows = Enumerable.Range(0, 28).Where(y => Enumerable.Range(0, 28).Any(x => offCentre.Pixels[(y * 28) + x] > 0)).ToList();
        Assert.InRange(rows.Count, 19, 21); // the taller side fills the 20-pixel box (±1 for the filter's edge)
    }

    [Fact]
    public void A_blank_picture_is_fitted_whole_since_there_is_nothing_to_trim()
    {
        var prepared = Prepare(Photo(new byte[784], 2, 10, 10, 10, 10), Preparation.FashionMnist);

        Assert.Null(prepared.Trimmed);
        Assert.All(prepared.Pixels, p => Assert.Equal(0, p));
    }

    [Fact]
    public void Preparation_names_are_the_stored_ones_and_a_data_set_gives_its_own()
    {
        Assert.Equal(["none", "fashion-mnist", "mnist"], Preparations.Names);
        Assert.Equal(Preparation.FashionMnist, Preparations.ForDataset(null));
        Assert.Equal(Preparation.FashionMnist, Preparations.ForDataset("fashion-mnist"));
        Assert.Equal(Preparation.Mnist, Preparations.ForDataset("mnist"));
        Assert.Equal(Preparation.None, Preparations.ForDataset("folder"));
        Assert.Null(Preparations.Parse("zalando"));
    }
}
