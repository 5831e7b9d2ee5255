using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Models;

[Collection("Torch")]
public sealed class MaxPool2dTests
{
    /// <summary>
    /// Ties (values drawn from five levels), saturated sigmoid outputs, a window of zeros of both signs with the
    /// negative one first, and NaNs (one alone, two in one window): every case in which the chosen element matters.
    /// </summary>
    private static Tensor Awkward(long n, long c, long h, long w)
    {
        manual_seed(3);
        var x = randint(0, 5, [n, c, h, w]).to_type(ScalarType.Float32).div(4f).sigmoid();
        x[0, 0, 0, 0] = tensor(-0f);
        x[0, 0, 0, 1] = tensor(0f);
        x[0, 0, 1, 0] = tensor(0f);
        x[0, 0, 1, 1] = tensor(-0f);
        x[0, 0, 2, 3] = tensor(float.NaN);
        x[0, 1, 0, 0] = tensor(BitConverter.Int32BitsToSingle(0x7FC00001));
        x[0, 1, 1, 1] = tensor(BitConverter.Int32BitsToSingle(0x7FC00002));
        return x;
    }

    private static int[] Bits(Tensor t) => t.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Theory]
    [InlineData(64, 6, 24, 24)]
    [InlineData(64, 16, 8, 8)]
    [InlineData(3, 2, 6, 10)]
    [InlineData(2, 3, 4, 6)] // narrower than a vector: the scalar loop only
    [InlineData(3, 2, 5, 7)]
    public void Without_gradients_the_output_is_bitwise_libtorchs(long n, long c, long h, long w)
    {
        using var x = Awkward(n, c, h, w);
        using var pool = new LeNetFashion.Models.Layers.MaxPool2d();
        using var expected = nn.functional.max_pool2d(x, 2, 2);
        using var noGrad = no_grad();
        using var actual = pool.forward(x);
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(Bits(expected), Bits(actual));
        Assert.True(float.IsNegative(actual[0, 0, 0, 0].item<float>())); // the first of the tied zeros
        Assert.Equal(0x7FC00002, BitConverter.SingleToInt32Bits(actual[0, 1, 0, 0].item<float>())); // the last NaN
    }

    [Theory]
    [InlineData(64, 6, 24, 24)]
    [InlineData(64, 16, 8, 8)]
    [InlineData(3, 2, 6, 10)]
    [InlineData(2, 3, 4, 6)]
    public void With_gradients_the_output_and_the_input_gradient_are_bitwise_libtorchs(long n, long c, long h, long w)
    {
        using var x0 = Awkward(n, c, h, w);
        using var pool = new LeNetFashion.Models.Layers.MaxPool2d();
        manual_seed(5);
        using var upstream = randn(n, c, h / 2, w / 2);
        using var x = x0.detach().requires_grad_(true);
        using var y = pool.forward(x);
        y.backward([upstream]);
        using var xr = x0.detach().requires_grad_(true);
        using var yr = nn.functional.max_pool2d(xr, 2, 2);
        yr.backward([upstream]);
        Assert.Equal(Bits(yr.detach()), Bits(y.detach()));
        Assert.Equal(Bits(xr.grad!), Bits(x.grad!));
        using var nonZero = x.grad!.ne(0).sum();
        Assert.Equal(n * c * (h / 2) * (w / 2), nonZero.item<long>()); // one gradient per window
    }
}
