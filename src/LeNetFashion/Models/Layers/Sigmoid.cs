using static TorchSharp.torch;

namespace LeNetFashion.Models.Layers;

/// <summary>
/// The logistic sigmoid, element-wise (PyTorch's <c>nn.Sigmoid</c>: <c>torch.sigmoid</c>, the same values), that lets a
/// following <see cref="MaxPool2d"/> built with it differentiate sigmoid and pooling in one step.
/// </summary>
/// <remarks>
/// While autograd records, the layer remembers its last input and output. A <see cref="MaxPool2d"/> created with this
/// layer that receives exactly that output takes its gradient with respect to the sigmoid's input in one managed pass
/// (<see cref="MaxPool2x2Kernel.SigmoidBackward"/>) instead of LibTorch's gather backward (a zero fill and a
/// scatter) followed by <c>sigmoid_backward</c> over the whole activation; the sigmoid's own autograd node is then
/// not reached. The layer has no parameters, so state-dict keys are unaffected, and summaries show <c>Sigmoid</c>.
/// </remarks>
public sealed class Sigmoid : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Sigmoid()
        : base(nameof(Sigmoid))
    {
    }

    /// <summary>
    /// An alias of the input of the last forward pass made while autograd recorded (a view that autograd differentiates
    /// as the input), until a pooling layer takes it; owned by the caller's dispose scope.
    /// </summary>
    internal Tensor? LastInput { get; private set; }

    /// <summary>The output of that forward pass.</summary>
    internal Tensor? LastOutput { get; private set; }

    /// <summary>Applies <c>1 / (1 + exp(−x))</c> element-wise.</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>The sigmoid, shaped as <paramref name="input"/>, values in [0, 1].</returns>
    public override Tensor forward(Tensor input)
    {
        var output = input.sigmoid();

        // An alias, not the input itself: Sequential disposes each intermediate tensor once the next layer returns.
        (LastInput, LastOutput) = is_grad_enabled() && input.requires_grad ? (input.alias(), output) : (null, null);
        return output;
    }

    /// <summary>
    /// Returns the alias of the input whose sigmoid is <paramref name="output"/> and forgets both, or null when
    /// <paramref name="output"/> is not the last output; the caller disposes the alias.
    /// </summary>
    internal Tensor? TakeInputOf(Tensor output)
    {
        var input = ReferenceEquals(output, LastOutput) ? LastInput : null;
        (LastInput, LastOutput) = (null, null);
        return input;
    }
}
