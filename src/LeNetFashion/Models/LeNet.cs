using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LeNetFashion.Models;

/// <summary>
/// The tutorial's LeNet for 28 × 28 grayscale images: <c>conv</c> = Conv2d(1, 6, 5), Sigmoid, MaxPool2d(2, 2),
/// Conv2d(6, 16, 5), Sigmoid, MaxPool2d(2, 2) (<see cref="Layers.MaxPool2d"/>); flatten; <c>fc</c> = Linear(256, 120), Sigmoid, Linear(120, 84),
/// Sigmoid, Linear(84, 10). 44,426 parameters. Input <c>[N, 1, 28, 28]</c> float32, output logits <c>[N, 10]</c>.
/// </summary>
/// <remarks>
/// Stage names are the state-dict keys and match PyTorch's for the tutorial's module
/// (<c>conv.0.weight</c> … <c>fc.4.bias</c>); they are covered by a test, do not rename them.
/// Initialisation is LibTorch's default (Kaiming-uniform, as PyTorch's).
/// </remarks>
public sealed class LeNet : TwoStageNetwork
{
    /// <summary>Architecture name used on the command line and in model metadata.</summary>
    public const string ArchitectureName = "lenet";

    /// <summary>Creates the model for Fashion-MNIST (<see cref="ModelSpec.FashionMnist"/>) with freshly initialised weights (uses the global torch generator).</summary>
    public LeNet()
        : this(ModelSpec.FashionMnist)
    {
    }

    /// <summary>Smallest height and width: two 5 × 5 convolutions and two 2 × 2 poolings leave at least 1 × 1.</summary>
    public const int MinSide = 16;

    /// <summary>Creates the model for <paramref name="spec"/>: <c>conv.0</c> takes its channels, <c>fc.4</c> has one output per class and <c>fc.0</c> takes 16 × the feature map left by the convolutions (16 × 4 × 4 for 28 × 28).</summary>
    /// <param name="spec">Input shape and classes.</param>
    public LeNet(ModelSpec spec)
        : base(
            nameof(LeNet),
            "conv",
            Sequential(
                Conv2d(spec.Channels, 6, 5),
                Sigmoid(),
                new Layers.MaxPool2d(),
                Conv2d(6, 16, 5),
                Sigmoid(),
                new Layers.MaxPool2d()),
            "fc",
            Sequential(
                Linear(16 * Side(spec.Height) * Side(spec.Width), 120),
                Sigmoid(),
                Linear(120, 84),
                Sigmoid(),
                Linear(84, spec.ClassCount)))
    {
    }

    private static int Side(int n) => ModelSpec.Out(ModelSpec.Out(ModelSpec.Out(ModelSpec.Out(n, 5), 2, stride: 2), 5), 2, stride: 2);
}
