using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace LeNetFashion.Models.Layers;

/// <summary>
/// <c>max_pool2d(sigmoid(z), 2, 2)</c> as one autograd node: the forward pools the already computed sigmoid output
/// with <see cref="MaxPool2x2Kernel.Run"/>; the backward returns the gradient with respect to <c>z</c> from
/// <see cref="MaxPool2x2Kernel.SigmoidBackward"/>, bitwise LibTorch's.
/// </summary>
/// <remarks>Arguments: <c>z</c> <c>[N, C, H, W]</c> (requires grad), and its sigmoid <c>s</c>, detached; both contiguous float32 on the CPU with even H and W.</remarks>
internal sealed class SigmoidMaxPoolFunction : SingleTensorFunction<SigmoidMaxPoolFunction>
{
    /// <inheritdoc/>
    public override string Name => "SigmoidMaxPool2d";

    /// <inheritdoc/>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var s = (Tensor)vars[1];
        var shape = s.shape;
        var output = empty([shape[0], shape[1], shape[2] / 2, shape[3] / 2], ScalarType.Float32);
        unsafe
        {
            MaxPool2x2Kernel.Run(TensorMemory.Pointer<float>(s), null, TensorMemory.Pointer<float>(output), shape[0] * shape[1], (int)shape[2], (int)shape[3]);
        }

        ctx.save_for_backward([s]);
        return output;
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        using var s = ctx.get_saved_variables()[0];
        using var gradient = grad_output.contiguous();
        var shape = s.shape;
        var gradInput = empty(shape, ScalarType.Float32);
        unsafe
        {
            MaxPool2x2Kernel.SigmoidBackward(TensorMemory.Pointer<float>(s), TensorMemory.Pointer<float>(gradient), TensorMemory.Pointer<float>(gradInput), shape[0] * shape[1], (int)shape[2], (int)shape[3]);
        }

        return [gradInput, null!];
    }
}
