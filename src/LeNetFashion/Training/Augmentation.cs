using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// Training-time augmentation on uint8 pixels, drawn per image: a random crop of the original size from the image
/// zero-padded by <see cref="Padding"/> pixels on each side (torchvision's <c>RandomCrop(28, padding=2)</c>), then a
/// horizontal flip with probability 0.5 (<c>RandomHorizontalFlip()</c>). Zero is the black background of the
/// Fashion-MNIST and MNIST images.
/// </summary>
public static class Augmentation
{
    /// <summary>Zero padding on each side before cropping, in pixels.</summary>
    public const int Padding = 2;

    /// <summary>Augments a batch.</summary>
    /// <param name="pixels">Pixels <c>[N, C, H, W]</c> uint8.</param>
    /// <param name="generator">CPU generator the offsets and flips are drawn from.</param>
    /// <returns>A new tensor <c>[N, C, H, W]</c> uint8 on the same device, owned by the caller's dispose scope.</returns>
    public static Tensor Apply(Tensor pixels, Generator generator)
    {
        long n = pixels.shape[0], c = pixels.shape[1], h = pixels.shape[2], w = pixels.shape[3];
        var device = pixels.device;
        var padded = nn.functional.pad(pixels, [Padding, Padding, Padding, Padding]);
        var dy = randint(0, (2 * Padding) + 1, [n], generator: generator).to(device);
        var dx = randint(0, (2 * Padding) + 1, [n], generator: generator).to(device);
        var flip = rand([n], generator: generator).lt(0.5).to(device);
        var rows = arange(h, device: device).unsqueeze(0).add(dy.unsqueeze(1)).view(n, 1, h, 1).expand(n, c, h, w + (2 * Padding));
        var cropped = padded.gather(2, rows);
        var cols = arange(w, device: device).unsqueeze(0).add(dx.unsqueeze(1)).view(n, 1, 1, w).expand(n, c, h, w);
        cropped = cropped.gather(3, cols);
        return where(flip.view(n, 1, 1, 1), cropped.flip(3), cropped);
    }
}
