using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>
/// Test-time augmentation: a picture is scored as several views (its mirror image, copies shifted by one pixel) and
/// the views' class probabilities are averaged, the standard "flip and crop" averaging of image classification
/// (Krizhevsky et al., 2012; Simonyan and Zisserman, 2015). The views are the ones <c>--augment</c> trains on
/// (horizontal flips and small shifts with black filling in), so they are pictures of the kind the model learned.
/// </summary>
/// <remarks>
/// The result is returned as logits: <c>log(mean over views of softmax(z_v))</c>, computed as
/// <c>logsumexp_v(log_softmax(z_v)) − ln V</c>, whose softmax is the averaged probability, so every consumer of logits
/// (argmax, softmax, cross-entropy) sees the averaged prediction. Stored with the model in its preprocessing
/// (<c>model.json</c> key <c>preprocessing.test_time_augmentation</c>).
/// </remarks>
public static class TestTimeAugmentation
{
    /// <summary>One view: the picture as it is.</summary>
    public const string None = "none";

    /// <summary>Two views: the picture and its left–right mirror image.</summary>
    public const string Flip = "flip";

    /// <summary>Ten views: the picture and its mirror image, each at its place and shifted by one pixel up, down, left and right (the pixel that comes in is black, 0).</summary>
    public const string FlipShift = "flip-shift";

    /// <summary>The names, as <c>--tta</c> takes them.</summary>
    public static IReadOnlyList<string> Names { get; } = [None, Flip, FlipShift];

    /// <summary>Shifts (rows down, columns right) of <see cref="FlipShift"/>'s views, each taken with and without the flip.</summary>
    private static readonly (int Dy, int Dx)[] Shifts = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)];

    /// <summary>Number of views a method scores: 1, 2 or 10.</summary>
    /// <param name="name">A name of <see cref="Names"/>, or null for none.</param>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static int Views(string? name) => Normalize(name) switch
    {
        null => 1,
        Flip => 2,
        _ => 2 * Shifts.Length,
    };

    /// <summary>The stored form of a name: null for <see cref="None"/> (and null), the name otherwise.</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static string? Normalize(string? name) => name switch
    {
        null or None => null,
        Flip or FlipShift => name,
        _ => throw new ArgumentException($"unknown test-time augmentation '{name}'; expected one of {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>Averaged logits of the views of <paramref name="pixels"/>.</summary>
    /// <param name="name"><see cref="Flip"/> or <see cref="FlipShift"/>.</param>
    /// <param name="pixels">Pixels <c>[N, C, H, W]</c> uint8 on the model's device.</param>
    /// <param name="logits">The network on one view: pixels <c>[N, C, H, W]</c> uint8 to logits <c>[N, K]</c> float32.</param>
    /// <returns>Logits <c>[N, K]</c> float32 whose softmax is the mean of the views' softmax, owned by the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static Tensor Logits(string name, Tensor pixels, Func<Tensor, Tensor> logits)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(logits);
        var shifts = Normalize(name) switch
        {
            Flip => Shifts.AsSpan(0, 1),
            FlipShift => Shifts.AsSpan(),
            _ => throw new ArgumentException($"test-time augmentation '{name}' has no views to average", nameof(name)),
        };
        long h = pixels.shape[2], w = pixels.shape[3];
        var logProbabilities = new List<Tensor>(shifts.Length * 2);
        using var padded = shifts.Length > 1 ? nn.functional.pad(pixels, [1, 1, 1, 1]) : null;
        foreach (var (dy, dx) in shifts)
        {
            // view[y, x] = pixels[y − dy, x − dx], black where that is outside the picture.
            using var view = padded is null ? pixels.alias() : padded.narrow(2, 1 - dy, h).narrow(3, 1 - dx, w);
            using var mirrored = view.flip(3);
            logProbabilities.Add(LogProbabilities(view, logits));
            logProbabilities.Add(LogProbabilities(mirrored, logits));
        }

        using var stacked = stack(logProbabilities, 0);
        foreach (var t in logProbabilities)
        {
            t.Dispose();
        }

        using var sum = stacked.logsumexp(0);
        return sum.sub(Math.Log(logProbabilities.Count));
    }

    /// <summary>
    /// log_softmax of one view's logits, computed in a dispose scope of its own: the forward pass's activations are freed
    /// before the next view's (held until the caller's scope ended, ten views of a 256-image batch took about 2 GB).
    /// </summary>
    private static Tensor LogProbabilities(Tensor view, Func<Tensor, Tensor> logits)
    {
        using var scope = NewDisposeScope();
        return nn.functional.log_softmax(logits(view), 1).MoveToOuterDisposeScope();
    }
}
