using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>
/// How pixels become the model's input: the one place that converts them, used by training, validation,
/// <c>eval</c> and every later use of a model. Pixels <c>[N, C, H, W]</c> uint8 0–255 become float32 in [0, 1]
/// exactly as torchvision's <c>ToTensor()</c> computes them (<c>uint8 → float32, then divided by 255</c>: a
/// division, not a multiplication by 1/255, so values match PyTorch to the last bit); when <see cref="Mean"/> and
/// <see cref="Std"/> are set, then standardised as torchvision's <c>Normalize(mean, std)</c>: <c>(x − mean) / std</c>.
/// Stored with the model (<c>model.json</c>, key <c>preprocessing</c>), with the <see cref="TestTimeAugmentation"/> that
/// says which views of a picture are scored and averaged.
/// </summary>
/// <param name="Mean">Mean of the [0, 1] pixels to subtract, or null for none.</param>
/// <param name="Std">Standard deviation to divide by (positive), or null for none; set together with <paramref name="Mean"/>.</param>
public sealed record Preprocessing(double? Mean = null, double? Std = null)
{
    /// <summary>
    /// Test-time augmentation (<see cref="Models.TestTimeAugmentation"/>: <c>flip</c> or <c>flip-shift</c>) applied wherever
    /// the model predicts in eval mode; null (the default, and files written before it existed) for one view.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TestTimeAugmentation { get; init; }

    /// <summary>Scaling to [0, 1] only, the tutorial's <c>ToTensor()</c>.</summary>
    public static Preprocessing ToTensor { get; } = new();

    /// <summary>
    /// Standardisation with the mean and population standard deviation of <paramref name="pixels"/> scaled to [0, 1]
    /// (what <c>--normalize</c> computes over the training part of the split), from an exact histogram of the bytes.
    /// </summary>
    /// <param name="pixels">Pixels 0–255 of the training images only.</param>
    /// <exception cref="UsageException">No pixels, or all pixels equal (standard deviation 0).</exception>
    public static Preprocessing Standardize(ReadOnlySpan<byte> pixels)
    {
        var histogram = new long[256];
        foreach (var p in pixels)
        {
            histogram[p]++;
        }

        double n = pixels.Length, sum = 0, sumSquares = 0;
        for (var v = 0; v < 256; v++)
        {
            var x = v / 255.0;
            sum += histogram[v] * x;
            sumSquares += histogram[v] * x * x;
        }

        var mean = sum / n;
        var std = Math.Sqrt(Math.Max(0, (sumSquares / n) - (mean * mean)));
        if (pixels.Length == 0 || !(std > 0))
        {
            throw new UsageException("--normalize: the training images have no spread (all pixels equal), so they cannot be standardised");
        }

        return new Preprocessing(mean, std);
    }

    /// <summary>Converts pixels to model input.</summary>
    /// <param name="pixels">Pixels <c>[N, C, H, W]</c>, uint8, 0–255, on any device.</param>
    /// <returns>A new float32 tensor <c>[N, C, H, W]</c> on the same device, owned by the caller's dispose scope.</returns>
    public Tensor ToInput(Tensor pixels)
    {
        var x = pixels.to_type(ScalarType.Float32).div_(255f);
        if (Mean is { } mean && Std is { } std)
        {
            x = x.sub_((float)mean).div_((float)std);
        }

        return x;
    }
}
