using static TorchSharp.torch;

namespace LeNetFashion.Models.Layers;

/// <summary>
/// 2 × 2 max pooling with stride 2 (PyTorch's <c>nn.MaxPool2d(2, 2)</c>) with a vectorised CPU kernel,
/// giving bitwise the values and gradients of LibTorch's <c>max_pool2d</c>.
/// </summary>
/// <remarks>
/// <para>
/// The CPU max-pool forward of LibTorch 2.10 (the <c>libtorch-cpu</c> 2.10.0 package that TorchSharp 0.107 ships) for NCHW float tensors is a branchy scalar loop; for the tutorial's LeNet
/// it is the slowest layer of the forward pass, about a quarter of a training batch
/// (<c>scripts/bench/README.md</c>). <see cref="MaxPool2x2Kernel"/> finds each window's element
/// with 256-bit vector comparisons, choosing exactly the element LibTorch chooses (first maximum in row-major
/// order; NaN wins).
/// </para>
/// <para>
/// Without gradients the kernel writes the pooled values directly. With gradients it writes each window's index,
/// and the output is <c>input.view(N, C, H × W).gather(2, indices)</c>: LibTorch's autograd then differentiates
/// the gather (its backward adds each output gradient at its index, as max pooling's backward does), so no managed
/// callback runs in the backward pass. Windows do not overlap, so every input element receives at most one
/// gradient and the sums are exact.
/// </para>
/// <para>
/// Inputs that are not contiguous float32 CPU tensors <c>[N, C, H, W]</c> with even H and W go to LibTorch's
/// <c>max_pool2d</c>, and so does everything with <c>--kernels libtorch</c> (<see cref="Runtime.Kernels"/>). The class is named as PyTorch's so that summaries show <c>MaxPool2d</c>; it has no
/// parameters, so state-dict keys are unaffected.
/// </para>
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
        // One native call per query: the shape is read once (each `shape` access is a call and an array).
        var shape = input.shape;
        if (!Runtime.Kernels.ManagedMaxPool || shape.Length != 4 || shape[2] % 2 != 0 || shape[3] % 2 != 0 || input.dtype != ScalarType.Float32
            || input.device_type != TorchSharp.DeviceType.CPU || !input.is_contiguous())
        {
            return nn.functional.max_pool2d(input, 2, 2);
        }

        var (n, c, h, w) = (shape[0], shape[1], (int)shape[2], (int)shape[3]);
        if (!is_grad_enabled() || !input.requires_grad)
        {
            var output = empty([n, c, h / 2, w / 2], ScalarType.Float32);
            unsafe
            {
                MaxPool2x2Kernel.Run(TensorMemory.Pointer<float>(input), null, TensorMemory.Pointer<float>(output), n * c, h, w);
            }

            return output;
        }

        using var indices = empty([n, c, (h / 2) * (w / 2)], ScalarType.Int64);
        unsafe
        {
            MaxPool2x2Kernel.Run(TensorMemory.Pointer<float>(input), TensorMemory.Pointer<long>(indices), null, n * c, h, w);
        }

        using var planes = input.view(n, c, (long)h * w);
        using var pooled = planes.gather(2, indices);
        return pooled.view(n, c, h / 2, w / 2);
    }
}
