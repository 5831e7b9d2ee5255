using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace LeNetFashion.Tests.Imaging;

/// <summary>Pictures the tests draw themselves: SkiaSharp for 8-bit RGBA, PNG bytes by hand for 16-bit grey.</summary>
internal static class Pictures
{
    /// <summary>A PNG of <paramref name="w"/> × <paramref name="h"/> filled with <paramref name="background"/>, with <paramref name="rect"/> filled with <paramref name="fill"/>.</summary>
    public static byte[] Png(int w, int h, SKColor background, SKRectI? rect = null, SKColor? fill = null)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var inside = rect is { } r && x >= r.Left && x < r.Right && y >= r.Top && y < r.Bottom;
                bitmap.SetPixel(x, y, inside ? fill!.Value : background);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A 16-bit greyscale PNG (colour type 0, bit depth 16) whose every sample is <paramref name="value"/>.</summary>
    public static byte[] Grey16Png(int w, int h, ushort value)
    {
        var raw = new byte[h * (1 + (2 * w))];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan((y * (1 + (2 * w))) + 1 + (2 * x)), value);
            }
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 16;
        using var z = new MemoryStream();
        using (var zlib = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", z.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A large 8-bit RGB PNG written row by row (never held whole): <paramref name="background"/> grey with the block
    /// <paramref name="rect"/> in grey <paramref name="fill"/>; optionally Adam7-interlaced.
    /// </summary>
    public static byte[] LargeGreyPng(int w, int h, byte background, SKRectI rect, byte fill, bool interlaced = false)
    {
        using var z = new MemoryStream();
        using (var zlib = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true))
        {
            // Adam7 passes (x0, y0, dx, dy); a plain picture is one pass of every pixel.
            (int X0, int Y0, int Dx, int Dy)[] passes = interlaced
                ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
                : [(0, 0, 1, 1)];
            foreach (var (x0, y0, dx, dy) in passes)
            {
                var columns = x0 >= w ? 0 : ((w - x0 - 1) / dx) + 1;
                if (columns == 0)
                {
                    continue;
                }

                var line = new byte[1 + (3 * columns)];
                for (var y = y0; y < h; y += dy)
                {
                    for (var i = 0; i < columns; i++)
                    {
                        var x = x0 + (i * dx);
                        var v = x >= rect.Left && x < rect.Right && y >= rect.Top && y < rect.Bottom ? fill : background;
                        line[1 + (3 * i)] = line[2 + (3 * i)] = line[3 + (3 * i)] = v;
                    }

                    zlib.Write(line);
                }
            }
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8;
        ihdr[9] = 2;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", z.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as PNG chunks carry (PNG specification, annex D).</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void Chunk(Stream s, string type, byte[] body)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, body.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        s.Write(head);
        s.Write(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. head.AsSpan(4).ToArray(), .. body]));
        s.Write(crc);
    }
}
