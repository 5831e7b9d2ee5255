using System.Buffers.Binary;
using Xunit;

namespace LeNetFashion.Tests.Reporting;

/// <summary>Reads the size of a PNG from its IHDR chunk (PNG specification, section 11.2.2).</summary>
internal static class PngHeader
{
    private static readonly byte[] s_signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Checks the 8-byte signature and the IHDR chunk, then returns width and height in pixels.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 24, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(s_signature, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4));
        return (width, height);
    }
}
