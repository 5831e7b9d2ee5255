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

    /// <summary>Creates the model with freshly initialised weights (uses the global torch generator).</summary>
    public LeNet5()
        : base(
            nameof(LeNet5),
            "conv",
            Sequential(
                Conv2d(1, 6, 5, padding: 2),
                ReLU(),
                AvgPool2d(2, 2),
                Conv2d(6, 16, 5),
                ReLU(),
                AvgPool2d(2, 2)),
            "fc",
            Sequential(
                Linear(16 * 5 * 5, 120),
                ReLU(),
                Linear(120, 84),
                ReLU(),
                Dropout(0.5),
                Linear(84, 10)))
    {
    }
}
