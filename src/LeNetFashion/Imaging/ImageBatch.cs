using static TorchSharp.torch;

namespace LeNetFashion.Imaging;

/// <summary>Stacks prepared samples into the pixel tensor a <c>Classifier</c> takes.</summary>
public static class ImageBatch
{
    /// <summary>Pixels <c>[N, 1, H, W]</c> uint8 0–255 on the CPU, owned by the caller.</summary>
    /// <param name="images">Samples of equal size <c>H × W</c>; at least one.</param>
    /// <exception cref="ArgumentException">No samples, or samples of different sizes.</exception>
    public static Tensor ToTensor(IReadOnlyList<PreparedImage> images)
    {
        if (images.Count == 0)
        {
            throw new ArgumentException("no images to stack", nameof(images));
        }

        var (h, w) = (images[0].Height, images[0].Width);
        var data = new byte[images.Count * h * w];
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i].Height != h || images[i].Width != w)
            {
                throw new ArgumentException($"image {i} is {images[i].Height} × {images[i].Width}, expected {h} × {w}", nameof(images));
            }

            images[i].Pixels.CopyTo(data, i * h * w);
        }

        return tensor(data, [images.Count, 1, h, w]);
    }
}
