using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Tensorboard;

namespace LeNetFashion.Reporting;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;n&gt;</c>) with
/// TorchSharp's public event protobuf types (<c>Tensorboard.Event</c>, <c>Summary</c>, <c>HistogramProto</c>): scalars,
/// histograms, PNG images and text. Unlike TorchSharp's own <c>SummaryWriter</c>, every event's wall time is in seconds
/// since the Unix epoch (TorchSharp 0.107 writes the first one in .NET ticks, about 6.4e17, which breaks TensorBoard's
/// relative-time axis).
/// </summary>
/// <remarks>
/// Record format (TensorFlow's TFRecord, as TensorBoard reads it): uint64 little-endian length, the masked CRC-32C of
/// those 8 bytes, the serialized <c>Event</c>, and the masked CRC-32C of it; mask(c) = ((c &gt;&gt; 15) | (c &lt;&lt; 17)) +
/// 0xa282ead8 (tensorflow/core/lib/hash/crc32c.h). Each event is flushed as it is written, so a run that is killed
/// keeps what it logged.
/// </remarks>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream _stream;

    /// <summary>Creates a new event file in <paramref name="folder"/> (created when missing) and writes its version event.</summary>
    /// <param name="folder">The log folder, e.g. <c>runs/A/tensorboard</c>.</param>
    /// <exception cref="IOException">The folder or file cannot be created.</exception>
    public TensorBoardWriter(string folder)
    {
        Directory.CreateDirectory(folder);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string path;
        var n = 0;
        do
        {
            path = System.IO.Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{now}.{Environment.MachineName}.{Environment.ProcessId}.{n++}"));
        }
        while (File.Exists(path));

        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Path = path;
        Write(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
    }

    /// <summary>The event file.</summary>
    public string Path { get; }

    /// <summary>Seconds since the Unix epoch, with sub-second precision, as TensorBoard expects.</summary>
    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>A scalar at a step (TensorBoard's Scalars tab).</summary>
    public void Scalar(string tag, double value, long step) =>
        Summary(step, new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });

    /// <summary>
    /// A histogram of <paramref name="values"/> (TensorBoard's Histograms and Distributions tabs): <paramref name="buckets"/>
    /// equal-width buckets between the minimum and the maximum, each given by its right edge.
    /// </summary>
    public void Histogram(string tag, ReadOnlySpan<float> values, long step, int buckets = 30)
    {
        if (values.Length == 0)
        {
            return;
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, squares = 0;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            squares += (double)v * v;
        }

        var histogram = new HistogramProto { Min = min, Max = max, Num = values.Length, Sum = sum, SumSquares = squares };
        var counts = new double[buckets];
        var width = (max - min) / buckets;
        foreach (var v in values)
        {
            var i = width > 0 ? (int)Math.Min(buckets - 1, (v - min) / width) : buckets - 1;
            counts[i]++;
        }

        for (var i = 0; i < buckets; i++)
        {
            histogram.BucketLimit.Add(i == buckets - 1 ? max : min + ((i + 1) * width));
            histogram.Bucket.Add(counts[i]);
        }

        Summary(step, new Summary.Types.Value { Tag = tag, Histo = histogram });
    }

    /// <summary>A PNG picture (TensorBoard's Images tab).</summary>
    /// <param name="tag">The picture's name.</param>
    /// <param name="png">The PNG file's bytes.</param>
    /// <param name="width">Its width in pixels.</param>
    /// <param name="height">Its height in pixels.</param>
    /// <param name="step">The step it belongs to.</param>
    public void Image(string tag, byte[] png, int width, int height, long step) =>
        Summary(step, new Summary.Types.Value
        {
            Tag = tag,
            Image = new Summary.Types.Image { Width = width, Height = height, Colorspace = 4, EncodedImageString = ByteString.CopyFrom(png) },
        });

    /// <summary>Text (TensorBoard's Text tab; markdown), as the text plugin expects: a string tensor with plugin name "text".</summary>
    public void Text(string tag, string text, long step)
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.StringVal.Add(ByteString.CopyFromUtf8(text));
        Summary(step, new Summary.Types.Value
        {
            Tag = tag,
            Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } },
            Tensor = tensor,
        });
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as TFRecord stores it.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = TorchSharp.Utils.CRC32C.process(data.ToArray());
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    private void Summary(long step, Summary.Types.Value value)
    {
        var summary = new Summary();
        summary.Value.Add(value);
        Write(new Event { WallTime = Now(), Step = step, Summary = summary });
    }

    private void Write(Event e)
    {
        var data = e.ToByteArray();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        _stream.Write(header);
        _stream.Write(data);
        _stream.Write(footer);
        _stream.Flush();
    }
}
