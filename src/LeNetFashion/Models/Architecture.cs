using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>
/// A registered network: its name (the <c>--arch</c> value and the name stored with a model), what it is, and a
/// factory that builds freshly initialised instances for any <see cref="ModelSpec"/> (input channels and size, class
/// count) the network can take.
/// </summary>
/// <param name="Name">Name used on the command line and in <c>model.json</c>, e.g. <c>lenet</c>.</param>
/// <param name="Description">One line for help texts: what the network is and its parameter count on Fashion-MNIST.</param>
/// <param name="MinSide">Smallest height and width, in pixels, whose feature map survives every convolution and pooling.</param>
/// <param name="Factory">Creates the module for a specification with fresh weights, drawing from the global torch generator.</param>
public sealed record Architecture(string Name, string Description, int MinSide, Func<ModelSpec, nn.Module<Tensor, Tensor>> Factory)
{
    /// <summary>Shape of one Fashion-MNIST sample, <c>[1, 28, 28]</c>: what <c>summarize</c> shows by default.</summary>
    public long[] InputShape => ModelSpec.FashionMnist.InputShape;

    /// <summary>
    /// Creates a freshly initialised model mapping <c>[N, C, H, W]</c> float32 to logits <c>[N, K]</c> for
    /// <paramref name="spec"/> (C, H, W and K from it).
    /// </summary>
    /// <exception cref="ArgumentException">The input is smaller than <see cref="MinSide"/>; one line naming both.</exception>
    public nn.Module<Tensor, Tensor> Create(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Height < MinSide || spec.Width < MinSide)
        {
            throw new ArgumentException($"'{Name}' needs pictures of at least {MinSide} × {MinSide} pixels; the data are {spec.Height} × {spec.Width}");
        }

        return Factory(spec);
    }

    /// <summary>Creates a freshly initialised model for Fashion-MNIST (<see cref="ModelSpec.FashionMnist"/>).</summary>
    public nn.Module<Tensor, Tensor> Create() => Create(ModelSpec.FashionMnist);

    /// <inheritdoc />
    public override string ToString() => Name;
}
