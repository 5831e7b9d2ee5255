using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Models;

[Collection("Torch")]
public sealed class MaxPool2dTests
{
    /// <summary>Ties (repeated values), saturated sigmoid outputs, a window of zeros and a NaN. Not a window whose maximum is a zero of both signs: there LibTorch keeps the first zero's sign and maximum does not.</summary>
    private static Tensor Awkward(long n, long c, long h, long w)
    {
        manual_seed(3);
        var x = randint(0, 5, [n, c, h, w]).to_type(ScalarType.Float32).div(4f).sigmoid();
        x.view(-1)[7] = tensor(float.NaN);
        x[0, 0, 2, 2] = tensor(0f); // a window of zeros
        x[0, 0, 2, 3] = tensor(0f);
        x[0, 0, 3, 2] = tensor(0f);
        x[0, 0, 3, 3] = tensor(0f);
        return x;
    }

    [Theory]
    [InlineData(64, 6, 24, 24)]
    [InlineData(64, 16, 8, 8)]
    [InlineData(3, 2, 5, 7)]
    public void Without_gradients_the_output_is_bitwise_libtorchs_apart_from_the_sign_of_nan(long n, long c, long h, long w)
    {
        using var x = Awkward(n, c, h, w);
        using var pool = new LeNetFashion.Models.Layers.MaxPool2d();
        using var expected = nn.functional.max_pool2d(x, 2, 2);
        using var noGrad = no_grad();
        using var actual = pool.forward(x);
        Assert.Equal(expected.shape, actual.shape);
        var e = expected.data<float>().ToArray();
        var a = actual.data<float>().ToArray();
        Assert.Equal(e.Select(Bits), a.Select(Bits));
        Assert.Contains(a, float.IsNaN);
        Assert.Equal(0f, a[(int)(w / 2) + 1]);
    }

    [Fact]
    public void With_gradients_it_is_libtorchs_max_pool_with_its_backward()
    {
        using var x0 = Awkward(4, 6, 24, 24);
        using var x = x0.detach().requires_grad_(true);
        using var pool = new LeNetFashion.Models.Layers.MaxPool2d();
        using var y = pool.forward(x);
        using var sum = y.nan_to_num().sum();
        sum.backward();
        using var xr = x0.detach().requires_grad_(true);
        using var yr = nn.functional.max_pool2d(xr, 2, 2);
        using var sumr = yr.nan_to_num().sum();
        sumr.backward();
        Assert.Equal(xr.grad!.data<float>().ToArray(), x.grad!.data<float>().ToArray());
        Assert.Equal((4 * 6 * 12 * 12) - 1, x.grad!.sum().item<float>()); // one gradient per window; the NaN window's is 0
    }

    /// <summary>The bits of a value, with every NaN as one pattern (LibTorch's max pooling keeps the NaN's sign, maximum makes it positive).</summary>
    private static int Bits(float v) => float.IsNaN(v) ? int.MinValue : BitConverter.SingleToInt32Bits(v);
}
