using System.Security.Cryptography;
using LeNetFashion.Data;
using Xunit;

namespace LeNetFashion.Tests.Data;

public sealed class IdxReaderTests : TestBase
{
    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(TempDir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Raw_and_gzip_files_give_the_same_shape_and_bytes()
    {
        var raw = Fixtures.Images(3, 4, 5);
        var a = IdxReader.Read(Write("raw-name.gz", raw), 3);
        var b = IdxReader.Read(Write("gzip-name", Fixtures.Gzip(raw)), 3);

        Assert.Equal([3, 4, 5], a.Shape);
        Assert.Equal(a.Shape, b.Shape);
        Assert.Equal(60, a.Data.Length);
        Assert.Equal(a.Data, b.Data);
        Assert.Equal((byte)(59 % 251), a.Data[59]);
    }

    [Fact]
    public void A_label_file_reads_its_count_and_values()
    {
        var a = IdxReader.Read(Write("labels", Fixtures.Labels(9, 0, 3)), 1);
        Assert.Equal(3, a.Count);
        Assert.Equal(new byte[] { 9, 0, 3 }, a.Data);
    }

    [Fact]
    public void An_empty_file_is_refused_with_its_name()
    {
        var path = Write("empty", []);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.Equal($"{path}: empty (0 bytes) or not a regular file (a device or pipe); expected an IDX file", e.Message);
    }

    [Fact]
    public void A_text_file_is_reported_as_not_idx()
    {
        var path = Write("page.html", "<!DOCTYPE html><html>Not found</html>"u8.ToArray());
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.Contains("not an IDX file: magic number 0x3C21444F", e.Message);
        Assert.Contains("expected 0x00000803 (2051)", e.Message);
        Assert.EndsWith("(the file looks like text or HTML, not IDX)", e.Message);
    }

    [Fact]
    public void Reversed_magic_bytes_hint_at_byte_order()
    {
        var path = Write("reversed", [0x03, 0x08, 0x00, 0x00, 0, 0, 0, 0]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.Contains("magic number 0x03080000", e.Message);
        Assert.Contains("little-endian", e.Message);
    }

    [Fact]
    public void A_wrong_element_type_is_refused()
    {
        var path = Write("floats", Fixtures.Idx(0x0D, [1], [0, 0, 0, 0]));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 1));
        Assert.Contains("IDX element type 0x0D, expected 0x08 (unsigned byte)", e.Message);
    }

    [Fact]
    public void A_label_file_where_images_are_expected_is_refused_by_its_dimension_count()
    {
        var path = Write("labels-as-images", Fixtures.Labels(1, 2));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.Contains("IDX file has 1 dimension(s), expected 3 (an image file)", e.Message);
    }

    [Fact]
    public void A_truncated_file_reports_expected_and_actual_sizes()
    {
        var raw = Fixtures.Images(2, 28, 28);
        var path = Write("truncated", raw[..^100]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.Equal($"{path}: truncated: the header [2, 28, 28] needs 1,584 bytes, the file has 1,484", e.Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_refused()
    {
        var gz = Fixtures.Gzip(Fixtures.Images(50, 28, 28));
        var path = Write("cut.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.True(e.Message.Contains("truncated") || e.Message.Contains("gzip"), e.Message);
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_refused()
    {
        var gz = Fixtures.Gzip(Fixtures.Images(5, 28, 28));
        for (var i = 12; i < gz.Length - 8; i++)
        {
            gz[i] ^= 0x5A;
        }

        var path = Write("corrupt.gz", gz);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(TempDir, "nope");
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 1));
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Fact]
    public void The_sha256_is_that_of_the_decompressed_file_whether_raw_gzip_or_gzip_inside_gzip()
    {
        var raw = Fixtures.Labels(4, 0, 9, 2);
        var expected = Convert.ToHexStringLower(SHA256.HashData(raw));

        var plain = IdxReader.Read(Write("raw", raw), 1);
        var once = IdxReader.Read(Write("once.gz", Fixtures.Gzip(raw)), 1);
        var twice = IdxReader.Read(Write("twice.gz", Fixtures.Gzip(Fixtures.Gzip(raw))), 1);

        Assert.Equal(64, expected.Length);
        Assert.Equal(expected, plain.Sha256);
        Assert.Equal(expected, once.Sha256);
        Assert.Equal(expected, twice.Sha256);
        Assert.Equal(new byte[] { 4, 0, 9, 2 }, twice.Data);
    }

    [Fact]
    public void A_file_gzipped_three_times_loads_and_four_times_is_refused_naming_the_limit()
    {
        var raw = Fixtures.Images(2, 3, 3);
        var thrice = Fixtures.Gzip(Fixtures.Gzip(Fixtures.Gzip(raw)));

        Assert.Equal([2, 3, 3], IdxReader.Read(Write("thrice.gz", thrice), 3).Shape);
        var path = Write("four.gz", Fixtures.Gzip(thrice));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));
        Assert.Equal($"{path}: still gzip-compressed after 3 decompressions; expected an IDX file inside at most 3 gzip layers", e.Message);
    }

    /// <summary>A gzip file of 64 KB whose content is a 10-image header followed by 64 MB of zeros.</summary>
    [Fact]
    public void A_gzip_bomb_is_refused_at_the_size_its_header_states()
    {
        using var gz = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(Fixtures.Idx(0x08, [10, 28, 28], []));
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                zip.Write(zeros);
            }
        }

        var path = Write("bomb.gz", gz.ToArray());
        Assert.True(gz.Length < 1 << 20, $"{gz.Length} bytes");

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));

        Assert.Equal($"{path}: too long: the IDX header states 7,856 bytes, its gzip content holds more", e.Message);
    }

    [Fact]
    public void A_header_stating_more_than_a_gigabyte_is_refused_before_the_data_is_read()
    {
        var path = Write("huge", Fixtures.Idx(0x08, [2_000_000, 28, 28], new byte[100]));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path, 3));

        Assert.Equal($"{path}: the IDX header states 1,568,000,016 bytes; at most 1,073,741,824 are read", e.Message);
    }

    [Fact]
    public void Dev_zero_as_an_image_file_is_refused_by_its_header_without_reading_on()
    {
        if (!File.Exists("/dev/zero"))
        {
            Assert.Skip("no /dev/zero on this platform");
        }

        var link = Path.Combine(TempDir, "train-images-idx3-ubyte");
        File.CreateSymbolicLink(link, "/dev/zero");

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(link, 3));

        Assert.Equal($"{link}: empty (0 bytes) or not a regular file (a device or pipe); expected an IDX file", e.Message);
    }
}
