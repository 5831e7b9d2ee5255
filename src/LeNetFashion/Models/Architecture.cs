using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>
/// A registered network: its name (the <c>--arch</c> value and the name stored with a model), what it is, the
/// input shape of one sample and a factory for freshly initialised instances.
/// </summary>
/// <param name="Name">Name used on the command line and in <c>model.json</c>, e.g. <c>lenet</c>.</param>
/// <param name="Description">One line for help texts: what the network is and its parameter count.</param>
/// <param name="InputShape">Shape of one sample, <c>[C, H, W]</c> (<c>[1, 28, 28]</c> for the 28 × 28 grayscale data sets).</param>
/// <param name="ClassCount">Number of logits per sample.</param>
/// <param name="Factory">Creates the module with fresh weights, drawing from the global torch generator.</param>
public sealed record Architecture(string Name, string Description, long[] InputShape, int ClassCount, Func<nn.Module<Tensor, Tensor>> Factory)
{
    /// <summary>Creates a freshly initialised model mapping <c>[N, C, H, W]</c> float32 to logits <c>[N, ClassCount]</c>.</summary>
    public nn.Module<Tensor, Tensor> Create() => Factory();

    /// <inheritdoc />
    public override string ToString() => Name;
}
