using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>How many samples of a training batch the logits classify correctly: <c>logits.argmax(1).eq(labels).sum()</c>.</summary>
/// <remarks>A managed count over the logits was tried and removed: it bought 1–3 % of a batch, under the 5 % a managed
/// path must buy to be kept (<c>scripts/bench/README.md</c>).</remarks>
internal static class BatchAccuracy
{
    /// <summary>Counts the rows of <paramref name="logits"/> whose first maximum is at the row's label.</summary>
    /// <param name="logits">Logits <c>[N, C]</c>.</param>
    /// <param name="labels">Class indices <c>[N]</c>, int64.</param>
    /// <returns>The count (ties go to the first maximum and a NaN counts as the maximum, LibTorch's rules).</returns>
    public static long Correct(Tensor logits, Tensor labels)
    {
        using var predicted = logits.argmax(1);
        using var equal = predicted.eq(labels);
        using var sum = equal.sum();
        return sum.item<long>();
    }
}
