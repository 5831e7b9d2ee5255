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
    /// <summary>The memory format new runs of this architecture use unless <c>--memory-format</c> says otherwise (<see cref="MemoryFormats"/>): <c>channels-last</c> for bn-cnn, <c>contiguous</c> for the tutorial's networks.</summary>
    public string DefaultMemoryFormat { get; init; } = MemoryFormats.Contiguous;

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

    /// <summary>
    /// The state dict's keys and shapes for <paramref name="spec"/>, in the module's order, found without allocating the
    /// weights: the module is built on LibTorch's <c>meta</c> device, whose tensors hold shapes only (an input shape of
    /// 4096 × 4096 would otherwise allocate gigabytes before a file could be refused), and no generator is drawn from.
    /// </summary>
    /// <param name="spec">The input and class specification.</param>
    /// <returns>Key → shape, in state-dict order.</returns>
    /// <exception cref="ArgumentException">The input is smaller than <see cref="MinSide"/>.</exception>
    public IReadOnlyList<KeyValuePair<string, long[]>> StateDictShapes(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (MetaLock)
        {
            set_default_device(META);
            try
            {
                using var model = Create(spec);
                return [.. model.state_dict().Select(kv => KeyValuePair.Create(kv.Key, kv.Value.shape))];
            }
            finally
            {
                set_default_device(CPU);
            }
        }
    }

    /// <summary>Number of values in the state dict for <paramref name="spec"/> (parameters and buffers), without allocating them.</summary>
    /// <param name="spec">The input and class specification.</param>
    /// <returns>The count; saturates at <see cref="long.MaxValue"/>.</returns>
    public long StateDictElements(ModelSpec spec) =>
        StateDictShapes(spec).Aggregate(0L, (sum, kv) => SaturatingAdd(sum, kv.Value.Aggregate(1L, (a, d) => d == 0 || a <= long.MaxValue / d ? a * d : long.MaxValue)));

    /// <summary>Number of trainable parameters for <paramref name="spec"/> (buffers such as batch norm's statistics excluded), without allocating them.</summary>
    /// <param name="spec">The input and class specification.</param>
    /// <returns>The count.</returns>
    public long ParameterCount(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (MetaLock)
        {
            set_default_device(META);
            try
            {
                using var model = Create(spec);
                return model.parameters().Sum(p => p.numel());
            }
            finally
            {
                set_default_device(CPU);
            }
        }
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static readonly object MetaLock = new();

    /// <summary>Creates a freshly initialised model for Fashion-MNIST (<see cref="ModelSpec.FashionMnist"/>).</summary>
    public nn.Module<Tensor, Tensor> Create() => Create(ModelSpec.FashionMnist);

    /// <inheritdoc />
    public override string ToString() => Name;
}
