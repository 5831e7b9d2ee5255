using System.Buffers.Binary;
using System.IO.Compression;

namespace LeNetFashion.Tests;

/// <summary>Tiny IDX files and data sets written byte by byte by the tests.</summary>
internal static class Fixtures
{
    /// <summary>IDX bytes: 0, 0, type, dims, big-endian sizes, data.</summary>
    public static byte[] Idx(byte type, int[] shape, byte[] data)
    {
        var bytes = new byte[4 + (4 * shape.Length) + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (var i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), shape[i]);
        }

        data.CopyTo(bytes, 4 + (4 * shape.Length));
        return bytes;
    }

    public static byte[] Images(int n, int h = 28, int w = 28, Func<int, int, byte>? pixel = null)
    {
        var data = new byte[n * h * w];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = pixel?.Invoke(i / (h * w), i % (h * w)) ?? (byte)(i % 251);
        }

        return Idx(0x08, [n, h, w], data);
    }

    public static byte[] Labels(params byte[] labels) => Idx(0x08, [labels.Length], labels);

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return ms.ToArray();
    }

    /// <summary>
    /// Writes a Fashion-MNIST-shaped folder: <paramref name="trainCount"/> training and <paramref name="testCount"/>
    /// test images of two easily separable classes (0: dark left half, 1: dark right half), labels alternating.
    /// </summary>
    public static string SeparableDataset(string dir, int trainCount, int testCount, bool gzip = true)
    {
        Directory.CreateDirectory(dir);
        void Write(string name, byte[] raw) =>
            File.WriteAllBytes(Path.Combine(dir, name + (gzip ? ".gz" : "")), gzip ? Gzip(raw) : raw);

        byte Label(int i) => (byte)(i % 2);
        byte Pixel(int n, int p, int offset)
        {
            var col = p % 28;
            var bright = Label(n + offset) == 0 ? col >= 14 : col < 14;
            return (byte)(bright ? 200 + ((n * 7 + p) % 50) : (n * 13 + p) % 40);
        }

        Write("train-images-idx3-ubyte", Images(trainCount, pixel: (n, p) => Pixel(n, p, 0)));
        Write("train-labels-idx1-ubyte", Labels([.. Enumerable.Range(0, trainCount).Select(Label)]));
        Write("t10k-images-idx3-ubyte", Images(testCount, pixel: (n, p) => Pixel(n, p, 0)));
        Write("t10k-labels-idx1-ubyte", Labels([.. Enumerable.Range(0, testCount).Select(Label)]));
        return dir;
    }
}
