using static TorchSharp.torch;

namespace LeNetFashion.Models.Layers;

/// <summary>
/// 2 × 2 max pooling with stride 2 (PyTorch's <c>nn.MaxPool2d(2, 2)</c>), with a faster path for passes
/// without gradients (validation, test, <c>eval</c>, <c>predict</c>).
/// </summary>
/// <remarks>
/// LibTorch's CPU max-pool forward for NCHW float tensors is a scalar loop that also records the argmax
/// index for the backward pass; for the tutorial's LeNet it is the slowest layer of the forward pass
/// (<c>../shared/notes/performance-findings.md</c>). Without gradients no index is needed, and the same
/// values come from two element-wise maxima over strided views (rows, then columns), which LibTorch
/// vectorises. Maximum is exact and propagates NaN as max pooling does, so the output is bitwise equal to
/// LibTorch's (tested), except that a NaN, or a maximum that is zero of both signs, may come out with the
/// other sign bit. Neither occurs in the tutorial's LeNet, whose pooled inputs are sigmoid outputs (never -0). With gradients enabled, or for odd heights or widths, it calls LibTorch's
/// <c>max_pool2d</c>. The class is named as PyTorch's so that summaries show <c>MaxPool2d</c>; it has no
/// parameters, so state-dict keys are unaffected.
/// </remarks>
public sealed class MaxPool2d : TorchSharp.torch.nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (kernel 2, stride 2, no padding).</summary>
    public MaxPool2d()
        : base(nameof(MaxPool2d))
    {
    }

    /// <summary>Pools <paramref name="input"/> <c>[N, C, H, W]</c> to <c>[N, C, H / 2, W / 2]</c> (floor for odd sizes).</summary>
    /// <param name="input">Activations, <c>[N, C, H, W]</c>.</param>
    /// <returns>The maximum of each 2 × 2 window, <c>[N, C, H / 2, W / 2]</c>.</returns>
    public override Tensor forward(Tensor input)
    {
        if (is_grad_enabled() || input.dim() != 4 || input.shape[2] % 2 != 0 || input.shape[3] % 2 != 0 || !input.is_contiguous())
        {
            return nn.functional.max_pool2d(input, 2, 2);
        }

        var (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
        using var rows = input.view(n, c, h / 2, 2, w);
        using var top = rows.select(3, 0);
        using var bottom = rows.select(3, 1);
        using var rowMax = top.maximum(bottom);
        using var cols = rowMax.view(n, c, h / 2, w / 2, 2);
        using var left = cols.select(4, 0);
        using var right = cols.select(4, 1);
        return left.maximum(right);
    }
}
