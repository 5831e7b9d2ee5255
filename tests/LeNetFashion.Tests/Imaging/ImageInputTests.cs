using LeNetFashion.Data;
using LeNetFashion.Imaging;
using SkiaSharp;
using Xunit;

namespace LeNetFashion.Tests.Imaging;

/// <summary>The picture-to-sample path of <c>predict</c> on pictures the tests draw: size, aspect, padding, inversion, alpha, value range.</summary>
public sealed class ImageInputTests
{
    private static PreparedImage Prepare(byte[] png, InvertMode invert = InvertMode.Auto) => ImageInput.Decode("test.png", png, 28, 28, invert);

    /// <summary>Row <paramref name="y"/> of a 28 × 28 sample.</summary>
    private static byte[] Row(PreparedImage image, int y) => image.Pixels.AsSpan(y * 28, 28).ToArray();

    [Fact]
    public void A_folder_given_as_a_picture_is_named_as_a_folder()
    {
        var folder = Directory.CreateTempSubdirectory("picture-").FullName;
        try
        {
            var e = Assert.Throws<DataFormatException>(() => ImageInput.Load(folder, 28, 28, InvertMode.Auto));
            Assert.Equal($"{folder}: is a folder; expected an image file (PNG, JPEG, BMP, GIF or WebP)", e.Message);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public void A_white_2_to_1_picture_becomes_a_centred_horizontal_band_on_black_not_a_stretched_square()
    {
        var image = Prepare(Pictures.Png(56, 28, SKColors.White), InvertMode.No);

        Assert.Equal((28, 28, 56, 28), (image.Height, image.Width, image.SourceWidth, image.SourceHeight));
        for (var y = 0; y < 28; y++)
        {
            Assert.Equal(Enumerable.Repeat((byte)(y is >= 7 and < 21 ? 255 : 0), 28), Row(image, y));
        }
    }

    [Fact]
    public void A_1_to_2_picture_becomes_a_centred_vertical_band()
    {
        var image = Prepare(Pictures.Png(20, 40, SKColors.White), InvertMode.No);

        Assert.Equal(Enumerable.Range(0, 28).Select(x => (byte)(x is >= 7 and < 21 ? 255 : 0)), Row(image, 0));
        Assert.Equal(Row(image, 0), Row(image, 27));
    }

    [Fact]
    public void A_dark_object_on_a_light_picture_is_inverted_automatically_into_a_light_object_on_black()
    {
        // 56 × 28 white with a black 28 × 12 block at x 14..41, y 8..19: halved, the block is x 7..20, y 4..9 of the 28 × 14 band at rows 7..20.
        var image = Prepare(Pictures.Png(56, 28, SKColors.White, new SKRectI(14, 8, 42, 20), SKColors.Black));

        Assert.True(image.Inverted);
        Assert.Equal(255, image.BorderMean);
        for (var y = 0; y < 28; y++)
        {
            var block = y is >= 11 and < 17;
            Assert.Equal(Enumerable.Range(0, 28).Select(x => (byte)(block && x is >= 7 and < 21 ? 255 : 0)), Row(image, y));
        }
    }

    [Fact]
    public void The_invert_option_overrides_the_border_rule()
    {
        var light = Pictures.Png(28, 28, SKColors.White);
        var dark = Pictures.Png(28, 28, SKColors.Black);

        Assert.All(Prepare(light, InvertMode.No).Pixels, p => Assert.Equal(255, p));
        Assert.All(Prepare(dark, InvertMode.Yes).Pixels, p => Assert.Equal(255, p));
        Assert.All(Prepare(dark, InvertMode.Auto).Pixels, p => Assert.Equal(0, p));
    }

    [Fact]
    public void Black_ink_on_a_transparent_canvas_becomes_a_light_stroke_on_black_not_an_all_black_picture()
    {
        // Transparent pixels are (0, 0, 0, 0): read without alpha the whole picture would be black.
        var image = Prepare(Pictures.Png(28, 28, new SKColor(0, 0, 0, 0), new SKRectI(10, 0, 18, 28), SKColors.Black));

        Assert.True(image.HadTransparency);
        Assert.True(image.Inverted);
        Assert.Equal(Enumerable.Range(0, 28).Select(x => (byte)(x is >= 10 and < 18 ? 255 : 0)), Row(image, 14));
    }

    [Fact]
    public void A_light_garment_on_a_transparent_canvas_stays_light_on_black_whatever_colour_hides_under_alpha_zero()
    {
        var image = Prepare(Pictures.Png(28, 28, new SKColor(255, 255, 255, 0), new SKRectI(4, 4, 24, 24), new SKColor(200, 200, 200)));

        Assert.False(image.Inverted);
        Assert.Equal(0, image.Pixels[0]);
        Assert.Equal(200, image.Pixels[(14 * 28) + 14]);
    }

    [Fact]
    public void Colour_becomes_grey_with_the_BT601_luma_weights()
    {
        // 0.299 × 255 = 76.245 → 76 (pure red); 0.587 × 255 = 149.685 → 150 (pure green); on a black picture, not inverted.
        Assert.Equal(76, Prepare(Pictures.Png(28, 28, SKColors.Black, new SKRectI(0, 1, 28, 27), new SKColor(255, 0, 0)), InvertMode.No).Pixels[(14 * 28) + 14]);
        Assert.Equal(150, Prepare(Pictures.Png(28, 28, SKColors.Black, new SKRectI(0, 1, 28, 27), new SKColor(0, 255, 0)), InvertMode.No).Pixels[(14 * 28) + 14]);
    }

    [Fact]
    public void A_16_bit_grey_picture_decodes_to_its_8_bit_level()
    {
        var image = Prepare(Pictures.Grey16Png(56, 56, 0x8080), InvertMode.No);

        Assert.Equal((56, 56), (image.SourceWidth, image.SourceHeight));
        Assert.All(image.Pixels, p => Assert.Equal(128, p));
    }

    [Fact]
    public void Prepared_samples_stack_into_a_uint8_N_1_28_28_tensor_with_values_0_to_255()
    {
        var a = Prepare(Pictures.Png(56, 28, SKColors.White), InvertMode.No);
        var b = Prepare(Pictures.Png(28, 28, SKColors.Black), InvertMode.No);

        using var t = ImageBatch.ToTensor([a, b]);

        Assert.Equal([2L, 1, 28, 28], t.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Byte, t.dtype);
        Assert.Equal(255, t.max().item<byte>());
        Assert.Equal(14 * 28 * 255, t[0].sum().item<long>());
        Assert.Equal(0, t[1].sum().item<long>());
    }

    [Fact]
    public void Bytes_that_are_not_a_picture_are_refused_with_one_line_naming_the_file()
    {
        var e = Assert.Throws<DataFormatException>(() => ImageInput.Decode("notes.txt", "hello, world"u8.ToArray(), 28, 28, InvertMode.Auto));

        Assert.Equal("notes.txt: not a picture SkiaSharp can decode; expected a PNG, JPEG, BMP or WebP file", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_picture_over_the_whole_decode_size_is_reduced_while_decoding_to_the_sample_of_a_small_copy(bool interlaced)
    {
        // 3000 × 2000 (6 megapixels, over FullDecodePixels): a dark block on white, against the same drawing at 300 × 200.
        var large = Pictures.LargeGreyPng(3000, 2000, 255, new SKRectI(900, 500, 2100, 1500), 30, interlaced);
        var small = Pictures.LargeGreyPng(300, 200, 255, new SKRectI(90, 50, 210, 150), 30);

        var a = ImageInput.Decode("large.png", large, 28, 28, InvertMode.Auto);
        var b = ImageInput.Decode("small.png", small, 28, 28, InvertMode.Auto);

        Assert.Equal((3000, 2000), (a.SourceWidth, a.SourceHeight));
        Assert.True(a.Inverted);
        Assert.Equal(b.Inverted, a.Inverted);
        // Two resampling chains (block means then Skia's filter, against Skia's filter alone) differ only at the block's edges.
        var differences = a.Pixels.Zip(b.Pixels, (x, y) => Math.Abs(x - y)).ToArray();
        Assert.True(differences.Max() <= 16 && differences.Average() < 2, $"largest difference {differences.Max()} grey levels, mean {differences.Average():F2}");
        Assert.Equal(225, a.Pixels[(14 * 28) + 14]);
    }

    [Fact]
    public void A_100_megapixel_png_is_prepared_with_a_few_megabytes_of_managed_memory()
    {
        var png = Pictures.LargeGreyPng(10_000, 10_000, 0, new SKRectI(2500, 2500, 7500, 7500), 200);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var image = ImageInput.Decode("huge.png", png, 28, 28, InvertMode.Auto);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(200, image.Pixels[(14 * 28) + 14]);
        Assert.Equal(0, image.Pixels[0]);
        Assert.True(allocated < 32L << 20, $"{allocated:N0} bytes allocated (a whole decode takes over 1 GB)");
    }

    [Fact]
    public void A_dark_garment_on_a_transparent_canvas_keeps_its_own_grey_on_black_unless_the_background_is_given()
    {
        // A dark grey garment covering 51 % of the canvas is an object, not ink: Fashion-MNIST shows dark garments dark on black.
        var png = Pictures.Png(28, 28, new SKColor(0, 0, 0, 0), new SKRectI(4, 4, 24, 24), new SKColor(60, 60, 60));

        var auto = ImageInput.Decode("garment.png", png, 28, 28, InvertMode.Auto);
        var white = ImageInput.Decode("garment.png", png, 28, 28, InvertMode.Auto, BackgroundMode.White);

        Assert.False(auto.Inverted);
        Assert.Equal((0, 60), (auto.Pixels[0], auto.Pixels[(14 * 28) + 14]));
        Assert.True(white.Inverted);
        Assert.Equal((0, 195), (white.Pixels[0], white.Pixels[(14 * 28) + 14]));
    }

    [Fact]
    public void A_picture_file_over_the_size_limit_or_a_device_is_refused_without_reading_it_to_the_end()
    {
        var e = Assert.Throws<DataFormatException>(() => ImageInput.Load("/dev/zero", 28, 28, InvertMode.Auto));

        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/dev/zero: more than {ImageInput.MaxFileBytes:N0} bytes; expected a picture file (PNG, JPEG, BMP, GIF or WebP)"), e.Message);
    }
}
