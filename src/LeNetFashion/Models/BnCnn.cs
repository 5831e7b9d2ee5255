using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LeNetFashion.Models;

/// <summary>
/// A small modern network of LeNet's size class (83,562 parameters), designed for this tool: three convolution
/// blocks (convolution without bias, batch normalisation, 2 × 2 max pooling, ReLU), dropout, one linear layer.
/// <c>features</c> = Conv2d(1, 32, 5, padding 2), BatchNorm2d(32), MaxPool2d(2), ReLU → 32 × 14 × 14;
/// Conv2d(32, 64, 3, padding 1), BatchNorm2d(64), MaxPool2d(2), ReLU → 64 × 7 × 7; Conv2d(64, 96, 3, padding 1),
/// BatchNorm2d(96), MaxPool2d(2), ReLU → 96 × 3 × 3; flatten (864); <c>classifier</c> = Dropout(0.3), Linear(864, 10).
/// About 6.9 million multiply-accumulates per image. Input <c>[N, 1, 28, 28]</c> float32, output logits <c>[N, 10]</c>.
/// </summary>
/// <remarks>
/// After the published "2 Conv Layers net &lt;100K parameters" (0.925 on Fashion-MNIST, zalandoresearch/fashion-mnist
/// README), with batch normalisation (Ioffe and Szegedy, 2015) and a third, cheaper block at 7 × 7 instead of a wide
/// linear layer. Each block pools before its ReLU: max pooling and ReLU commute (both are monotone, and where ReLU
/// leaves a window all zeros its gradient is zero whichever element pooling picks), so outputs and gradients are those
/// of the usual conv-BN-ReLU-pool order (up to the sign of a zero), while ReLU and its backward touch a quarter of the
/// elements: a 2-epoch recipe run gives the same <c>model.dat</c> bytes in both orders, and the training step is
/// 0.907 × as long (<c>scripts/bench/LeNetFashion.Bench</c>, mode <c>bncnn-variants</c>, 4 alternating rounds).
/// Neither layer has parameters, so the state dict is the same either way. State-dict keys: <c>features.0.weight</c>, <c>features.1.*</c> (BatchNorm: weight, bias,
/// running_mean, running_var, num_batches_tracked) … <c>classifier.1.weight</c>, as PyTorch's for the same module.
/// </remarks>
public sealed class BnCnn : TwoStageNetwork
{
    /// <summary>Architecture name used on the command line and in model metadata.</summary>
    public const string ArchitectureName = "bn-cnn";

    /// <summary>Creates the model for Fashion-MNIST (<see cref="ModelSpec.FashionMnist"/>) with freshly initialised weights (uses the global torch generator).</summary>
    public BnCnn()
        : this(ModelSpec.FashionMnist)
    {
    }

    /// <summary>Smallest height and width: three 2 × 2 poolings leave at least 1 × 1.</summary>
    public const int MinSide = 8;

    /// <summary>Creates the model for <paramref name="spec"/>: <c>features.0</c> takes its channels, <c>classifier.1</c> has one output per class and takes 96 × the feature map left by three poolings (96 × 3 × 3 for 28 × 28).</summary>
    /// <param name="spec">Input shape and classes.</param>
    public BnCnn(ModelSpec spec)
        : base(
            nameof(BnCnn),
            "features",
            Sequential(
                Conv2d(spec.Channels, 32, 5, padding: 2, bias: false),
                BatchNorm2d(32),
                new Layers.MaxPool2d(),
                ReLU(),
                Conv2d(32, 64, 3, padding: 1, bias: false),
                BatchNorm2d(64),
                new Layers.MaxPool2d(),
                ReLU(),
                Conv2d(64, 96, 3, padding: 1, bias: false),
                BatchNorm2d(96),
                new Layers.MaxPool2d(),
                ReLU()),
            "classifier",
            Sequential(
                Dropout(0.3),
                Linear(96 * (spec.Height / 8) * (spec.Width / 8), spec.ClassCount)))
    {
    }
}
