using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Data;

/// <summary>
/// A data set as two tensors on one device: pixels <c>[N, 1, H, W]</c> uint8 (a quarter of the memory of
/// float32: 47 MB instead of 188 MB for the 60,000 training images) and labels <c>[N]</c> int64; a batch is
/// converted to the model's input by <c>Models.Preprocessing</c>. Owns its tensors; dispose it to free them.
/// </summary>
public sealed class TensorData : IDisposable
{
    private TensorData(Tensor pixels, Tensor labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Pixels <c>[N, 1, H, W]</c>, uint8, 0–255.</summary>
    public Tensor Pixels { get; }

    /// <summary>Labels <c>[N]</c>, int64, 0–9.</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples N.</summary>
    public int Count => (int)Labels.shape[0];

    /// <summary>Copies images and labels to tensors on <paramref name="device"/>.</summary>
    /// <param name="dataset">Images and labels as bytes.</param>
    /// <param name="device">Device for the tensors (CPU when <c>null</c>).</param>
    public static TensorData FromDataset(ImageDataset dataset, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var n = dataset.Count;
        var pixels = tensor(dataset.Pixels, [n, 1, dataset.Height, dataset.Width], dtype: ScalarType.Byte);
        var labels = tensor(dataset.Labels, [n], dtype: ScalarType.Byte).to_type(ScalarType.Int64);
        if (device is not null && device.type != DeviceType.CPU)
        {
            pixels = pixels.to(device);
            labels = labels.to(device);
        }

        return new TensorData(pixels.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Samples <c>[start, start + length)</c> as views (no copy): pixels <c>[length, 1, H, W]</c> uint8 and labels
    /// <c>[length]</c> int64. Pixels become model input only through <c>Models.Preprocessing</c>.
    /// </summary>
    public (Tensor Pixels, Tensor Labels) Slice(long start, long length) =>
        (Pixels.narrow(0, start, length), Labels.narrow(0, start, length));

    /// <summary>The samples at <paramref name="indices"/> (int64 <c>[n]</c> on this data's device), copied: pixels <c>[n, 1, H, W]</c> uint8 and labels <c>[n]</c> int64.</summary>
    public (Tensor Pixels, Tensor Labels) Gather(Tensor indices) =>
        (Pixels.index_select(0, indices), Labels.index_select(0, indices));

    /// <inheritdoc />
    public void Dispose()
    {
        Pixels.Dispose();
        Labels.Dispose();
    }
}
