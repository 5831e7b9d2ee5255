using static TorchSharp.torch;

namespace LeNetFashion.Models.Layers;

/// <summary>
/// Channels-last memory for <c>[N, C, H, W]</c> tensors (PyTorch's <c>torch.channels_last</c>): the same logical
/// shape with strides <c>(H·W·C, 1, W·C, C)</c>, so that the C values of one pixel are adjacent. LibTorch and oneDNN
/// pick their channels-last kernels for such inputs, and every layer after a convolution keeps the layout.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 has no <c>memory_format</c> argument, so the layout is made with <c>permute</c> and
/// <c>contiguous</c> (a copy), or, for one channel, as a view with <c>as_strided</c> (one channel is already in that
/// order, but LibTorch only treats the tensor as channels-last when the strides say so).
/// </remarks>
public static class ChannelsLast
{
    /// <summary>
    /// Whether LibTorch reads <paramref name="tensor"/> as channels-last: 4-D, its elements in memory as <c>[N, H, W, C]</c>
    /// without gaps, and the channel stride 1 (the strides of other dimensions of size 1 do not matter).
    /// </summary>
    /// <param name="tensor">Any tensor.</param>
    /// <returns>True for a 4-D tensor in channels-last memory whose strides say so.</returns>
    public static bool Is(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 4)
        {
            return false;
        }

        var shape = tensor.shape;
        var strides = tensor.stride();
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        return strides[1] == 1 && (w == 1 || strides[3] == c) && (h == 1 || strides[2] == w * c) && (n == 1 || strides[0] == h * w * c);
    }

    /// <summary><paramref name="tensor"/> <c>[N, C, H, W]</c> in channels-last memory: itself (a new handle) when already so, a view for one channel, else a copy.</summary>
    /// <param name="tensor">A 4-D tensor.</param>
    /// <returns>The same values, <c>[N, C, H, W]</c>, with channels-last strides.</returns>
    /// <exception cref="ArgumentException">The tensor is not 4-D.</exception>
    public static Tensor From(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 4)
        {
            throw new ArgumentException($"expected a 4-D tensor [N, C, H, W], got {tensor.dim()} dimensions", nameof(tensor));
        }

        if (Is(tensor))
        {
            return tensor.alias();
        }

        var shape = tensor.shape;
        if (shape[1] == 1)
        {
            using var dense = tensor.contiguous();
            return dense.as_strided(shape, [shape[2] * shape[3], 1, shape[3], 1]);
        }

        using var nhwc = tensor.permute(0, 2, 3, 1);
        using var copy = nhwc.contiguous();
        return copy.permute(0, 3, 1, 2);
    }
}
