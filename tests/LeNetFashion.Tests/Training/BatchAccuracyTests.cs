using LeNetFashion.Training;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Training;

[Collection("Torch")]
public sealed class BatchAccuracyTests
{
    [Fact]
    public void Counts_what_libtorchs_argmax_eq_sum_counts_with_ties_nans_and_infinities()
    {
        var nan = float.NaN;
        var logits = tensor(new float[,]
        {
            { 0f, 1f, 1f },              // tie: first maximum (1) wins
            { 2f, nan, 3f },             // NaN is the maximum
            { nan, nan, 5f },            // first NaN
            { float.NegativeInfinity, -1f, -1f },
            { -0f, 0f, -1f },            // -0 == 0: first wins
            { 3f, 2f, float.PositiveInfinity },
        });
        var labels = tensor(new long[] { 1, 1, 0, 1, 0, 2 });
        Assert.Equal(6, BatchAccuracy.Correct(logits, labels));
        Assert.Equal(logits.argmax(1).eq(labels).sum().item<long>(), BatchAccuracy.Correct(logits, labels));
        var wrong = tensor(new long[] { 2, 2, 1, 2, 1, 0 });
        Assert.Equal(0, BatchAccuracy.Correct(logits, wrong));
        Assert.Equal(0, logits.argmax(1).eq(wrong).sum().item<long>());
    }
}
