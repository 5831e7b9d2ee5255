using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Data;

/// <summary>
/// A data set as two tensors on one device: images <c>[N, 1, H, W]</c> float32 in [0, 1] and labels <c>[N]</c>
/// int64. Owns its tensors; dispose it to free them.
/// </summary>
public sealed class TensorData : IDisposable
{
    private TensorData(Tensor images, Tensor labels)
    {
        Images = images;
        Labels = labels;
    }

    /// <summary>Images <c>[N, 1, H, W]</c>, float32, pixel / 255 (as torchvision's <c>ToTensor()</c>).</summary>
    public Tensor Images { get; }

    /// <summary>Labels <c>[N]</c>, int64, 0–9.</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples N.</summary>
    public int Count => (int)Labels.shape[0];

    /// <summary>
    /// Converts bytes to tensors exactly as torchvision's <c>ToTensor()</c> does: <c>uint8 → float32, then
    /// divided by 255</c> (a division, not a multiplication by 1/255, so values match PyTorch to the last bit).
    /// </summary>
    /// <param name="dataset">Images and labels as bytes.</param>
    /// <param name="device">Device for the tensors (CPU when <c>null</c>).</param>
    public static TensorData FromDataset(ImageDataset dataset, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var n = dataset.Count;
        var bytes = tensor(dataset.Pixels, [n, 1, dataset.Height, dataset.Width], dtype: ScalarType.Byte);
        var images = bytes.to_type(ScalarType.Float32).div_(255f);
        var labels = tensor(dataset.Labels, [n], dtype: ScalarType.Byte).to_type(ScalarType.Int64);
        if (device is not null && device.type != DeviceType.CPU)
        {
            images = images.to(device);
            labels = labels.to(device);
        }

        return new TensorData(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>A view of samples <c>[start, start + length)</c> (no copy).</summary>
    public (Tensor Images, Tensor Labels) Slice(long start, long length) =>
        (Images.narrow(0, start, length), Labels.narrow(0, start, length));

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
