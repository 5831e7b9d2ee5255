using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Reliability;

/// <summary>Bitwise comparison of models' weights.</summary>
internal static class Weights
{
    /// <summary>Asserts that both classifiers' weights are bitwise equal.</summary>
    public static void AssertBitwiseEqual(LeNetFashion.Models.Classifier expected, LeNetFashion.Models.Classifier actual) =>
        AssertBitwiseEqual(expected.Model, actual.Model);

    /// <summary>Asserts that both state dicts have the same keys and, for each, the same dtype, shape and bytes.</summary>
    public static void AssertBitwiseEqual(nn.Module<Tensor, Tensor> expected, nn.Module<Tensor, Tensor> actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys)
        {
            using var x = a[key].contiguous().cpu();
            using var y = b[key].contiguous().cpu();
            Assert.Equal(x.dtype, y.dtype);
            Assert.Equal(x.shape, y.shape);
            Assert.True(x.bytes.SequenceEqual(y.bytes), $"{key}: the weights differ");
        }
    }
}
