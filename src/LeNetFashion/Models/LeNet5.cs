using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LeNetFashion.Models;

/// <summary>
/// The tutorial's second listing, a LeNet-5 variant: <c>conv</c> = Conv2d(1, 6, 5, padding 2), ReLU, AvgPool2d(2, 2),
/// Conv2d(6, 16, 5), ReLU, AvgPool2d(2, 2); flatten (400); <c>fc</c> = Linear(400, 120), ReLU, Linear(120, 84), ReLU,
/// Dropout(0.5), Linear(84, 10). 61,706 parameters. Input <c>[N, 1, 28, 28]</c> float32, output logits <c>[N, 10]</c>.
/// </summary>
/// <remarks>
/// Stage names are the state-dict keys and match PyTorch's for the same module written with two <c>nn.Sequential</c>
/// blocks named <c>conv</c> and <c>fc</c> (<c>conv.0.weight</c>, <c>conv.3.weight</c>, <c>fc.0.weight</c>,
/// <c>fc.2.weight</c>, <c>fc.5.weight</c> and their biases); covered by a test, do not rename them.
/// </remarks>
public sealed class LeNet5 : TwoStageNetwork
{
    /// <summary>Architecture name used on the command line and in model metadata.</summary>
    public const string ArchitectureName = "lenet5";

    /// <summary>Creates the model for Fashion-MNIST (<see cref="ModelSpec.FashionMnist"/>) with freshly initialised weights (uses the global torch generator).</summary>
    public LeNet5()
        : this(ModelSpec.FashionMnist)
    {
    }

    /// <summary>Smallest height and width: the padded first convolution keeps the size, the second 5 × 5 convolution needs 5 after pooling.</summary>
    public const int MinSide = 12;

    /// <summary>Creates the model for <paramref name="spec"/>: <c>conv.0</c> takes its channels, <c>fc.5</c> has one output per class and <c>fc.0</c> takes 16 × the feature map left by the convolutions (16 × 5 × 5 for 28 × 28).</summary>
    /// <param name="spec">Input shape and classes.</param>
    public LeNet5(ModelSpec spec)
        : base(
            nameof(LeNet5),
            "conv",
            Sequential(
                Conv2d(spec.Channels, 6, 5, padding: 2),
                ReLU(),
                AvgPool2d(2, 2),
                Conv2d(6, 16, 5),
                ReLU(),
                AvgPool2d(2, 2)),
            "fc",
            Sequential(
                Linear(16 * Side(spec.Height) * Side(spec.Width), 120),
                ReLU(),
                Linear(120, 84),
                ReLU(),
                Dropout(0.5),
                Linear(84, spec.ClassCount)))
    {
    }

    private static int Side(int n) => ModelSpec.Out(ModelSpec.Out(ModelSpec.Out(n, 2, stride: 2), 5), 2, stride: 2);
}
