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

    [Theory]
    [InlineData(64, 6, 24, 24)]
    [InlineData(64, 16, 8, 8)]
    [InlineData(3, 2, 6, 10)] // a vector and a scalar tail per row
    [InlineData(2, 3, 4, 6)]  // the scalar loop only
    public void After_its_sigmoid_the_output_and_the_gradient_before_the_sigmoid_are_bitwise_libtorchs(long n, long c, long h, long w)
    {
        manual_seed(3);
        using var z0 = randint(0, 5, [n, c, h, w]).to_type(ScalarType.Float32).div(4f);
        z0[0, 0, 0, 0] = tensor(20f); // saturated: sigmoid 1 for both, a tie
        z0[0, 0, 1, 1] = tensor(30f);
        z0[0, 0, 2, 3] = tensor(float.NaN);
        z0[0, 1, 0, 0] = tensor(-200f); // sigmoid 0
        manual_seed(5);
        using var upstream = randn(n, c, h / 2, w / 2);
        upstream[0, 0, 0, 0] = tensor(-0f); // the chosen element gets 0 + (-0) = +0, as after LibTorch's scatter
        upstream[0, 0, 1, 1] = tensor(float.PositiveInfinity);
        upstream[0, 1, 0, 1] = tensor(float.NaN);

        using var sigmoid = new LeNetFashion.Models.Layers.Sigmoid();
        using var pool = new LeNetFashion.Models.Layers.MaxPool2d(sigmoid);
        using var z = z0.detach().requires_grad_(true);
        using var s = sigmoid.forward(z);
        using var y = pool.forward(s);
        Assert.Null(sigmoid.LastOutput); // the fused step took the pair
        y.backward([upstream]);

        using var zr = z0.detach().requires_grad_(true);
        using var yr = nn.functional.max_pool2d(zr.sigmoid(), 2, 2);
        yr.backward([upstream]);
        Assert.Equal(Bits(yr.detach()), Bits(y.detach()));
        Assert.Equal(Bits(zr.grad!), Bits(z.grad!));
        Assert.True(float.IsPositive(z.grad![0, 0, 0, 0].item<float>()) && z.grad![0, 0, 0, 0].item<float>() == 0);
    }

    [Fact]
    public void A_pooling_layer_given_another_tensor_than_its_sigmoids_output_pools_it_as_usual()
    {
        manual_seed(3);
        using var sigmoid = new LeNetFashion.Models.Layers.Sigmoid();
        using var pool = new LeNetFashion.Models.Layers.MaxPool2d(sigmoid);
        using var z = randn(2, 3, 8, 8).requires_grad_(true);
        using var s = sigmoid.forward(z);
        using var other = s.mul(2);
        using var y = pool.forward(other);
        y.sum().backward();
        using var zr = z.detach().requires_grad_(true);
        nn.functional.max_pool2d(zr.sigmoid().mul(2), 2, 2).sum().backward();
        Assert.Equal(Bits(zr.grad!), Bits(z.grad!));
    }
}
