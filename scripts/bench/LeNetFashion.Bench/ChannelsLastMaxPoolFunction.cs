using static TorchSharp.torch;
using static TorchSharp.torch.autograd;



/// <summary>
/// <c>max_pool2d(x, 2, 2)</c>, or <c>max_pool2d(relu(x), 2, 2)</c>, as one autograd node over channels-last float32
/// CPU tensors: forward and backward by <see cref="ChannelsLastMaxPoolKernel"/>, bitwise LibTorch's.
/// </summary>
/// <remarks>
/// Arguments: <c>x</c> <c>[N, C, H, W]</c> (dense channels-last, H and W ≥ 2) and a <see cref="bool"/>, whether ReLU is
/// fused in. Only <c>x</c> is saved: the backward finds each window's element again instead of keeping indices, so the
/// node holds no memory of its own, and with ReLU fused the ReLU's output is never allocated. The managed callback
/// costs about 13 µs a call (<c>scripts/bench/README.md</c>), nothing against a bn-cnn batch of about 50 ms.
/// </remarks>
/// <summary>The dropped autograd function (see scripts/bench/README.md), for <c>function-leak</c>.</summary>
internal sealed class ChannelsLastMaxPoolFunction : SingleTensorFunction<ChannelsLastMaxPoolFunction>
{
    /// <inheritdoc/>
    public override string Name => "ChannelsLastMaxPool2d";

    /// <inheritdoc/>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var relu = (bool)vars[1];
        ctx.save_for_backward([input]);
        ctx.save_data("relu", relu);
        return Pool(input, relu);
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        using var input = ctx.get_saved_variables()[0];
        var relu = (bool)ctx.get_data("relu");
        using var gradient = LeNetFashion.Models.Layers.ChannelsLast.From(grad_output);
        var shape = input.shape;
        var gradInput = Empty(shape[0], shape[1], shape[2], shape[3]);
        unsafe
        {
            ChannelsLastMaxPoolKernel.Backward(
                Ptr(input), Ptr(gradient), Ptr(gradInput),
                shape[0], (int)shape[2], (int)shape[3], (int)shape[1], relu);
        }

        return [gradInput, null!];
    }

    private static unsafe float* Ptr(Tensor t)
    {
        using var storage = t.storage<float>();
        return (float*)storage.data_ptr() + t.storage_offset();
    }

    private static Tensor Empty(long n, long c, long h, long w) =>
        empty_strided([n, c, h, w], [h * w * c, 1, w * c, c], ScalarType.Float32);

    /// <summary>The pooled values of <paramref name="input"/> (dense channels-last), channels-last, without autograd.</summary>
    /// <param name="input">Activations <c>[N, C, H, W]</c>, H and W ≥ 2.</param>
    /// <param name="relu">Whether to apply ReLU first.</param>
    /// <returns><c>[N, C, H / 2, W / 2]</c> in channels-last memory.</returns>
    internal static Tensor Pool(Tensor input, bool relu)
    {
        var shape = input.shape;
        var output = Empty(shape[0], shape[1], shape[2] / 2, shape[3] / 2);
        unsafe
        {
            ChannelsLastMaxPoolKernel.Forward(Ptr(input), Ptr(output), shape[0], (int)shape[2], (int)shape[3], (int)shape[1], relu);
        }

        return output;
    }
}
