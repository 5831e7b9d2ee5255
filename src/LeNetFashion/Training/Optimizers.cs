using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// Optimizers by name (the <c>--optimizer</c> values), each created with PyTorch's defaults written out rather
/// than left to TorchSharp's factory overloads (some TorchSharp versions default Adam's β2 to 0.99).
/// </summary>
public static class Optimizers
{
    /// <summary>Adam (Kingma and Ba, 2015), <c>torch.optim.Adam</c>: the tutorial's optimizer and the default.</summary>
    public const string Adam = "adam";

    /// <summary>AdamW (Loshchilov and Hutter, 2019), <c>torch.optim.AdamW</c>: Adam with decoupled weight decay.</summary>
    public const string AdamW = "adamw";

    /// <summary>Stochastic gradient descent, <c>torch.optim.SGD</c>, with optional momentum.</summary>
    public const string Sgd = "sgd";

    /// <summary>AdamW's default weight decay in PyTorch.</summary>
    public const double AdamWDefaultWeightDecay = 0.01;

    /// <summary>Adam's β1, PyTorch's default.</summary>
    public const double AdamBeta1 = 0.9;

    /// <summary>Adam's β2, PyTorch's default.</summary>
    public const double AdamBeta2 = 0.999;

    /// <summary>Adam's ε, PyTorch's default.</summary>
    public const double AdamEpsilon = 1e-8;

    private static readonly Dictionary<string, Func<IEnumerable<Parameter>, OptimizerSettings, OptimizerHelper>> Factories = new(StringComparer.Ordinal)
    {
        [Adam] = (p, s) => Runtime.Kernels.FlatAdam
            ? new Flat.Adam(p, s.LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon, s.WeightDecay ?? 0)
            : optim.Adam(p, lr: s.LearningRate, beta1: AdamBeta1, beta2: AdamBeta2, eps: AdamEpsilon, weight_decay: s.WeightDecay ?? 0),
        [AdamW] = (p, s) => optim.AdamW(p, lr: s.LearningRate, beta1: AdamBeta1, beta2: AdamBeta2, eps: AdamEpsilon, weight_decay: s.WeightDecay ?? AdamWDefaultWeightDecay),
        [Sgd] = (p, s) => optim.SGD(p, s.LearningRate, momentum: s.Momentum, weight_decay: s.WeightDecay ?? 0),
    };

    /// <summary>Display name for messages: Adam, AdamW, SGD.</summary>
    public static string DisplayName(string name) => name switch
    {
        Adam => "Adam",
        AdamW => "AdamW",
        Sgd => "SGD",
        _ => name,
    };

    /// <summary>Known optimizer names.</summary>
    public static IReadOnlyList<string> Names { get; } = Factories.Keys.ToArray();

    /// <summary>Creates the optimizer called <paramref name="name"/> over <paramref name="parameters"/>.</summary>
    /// <exception cref="UsageException">Unknown name; the message lists the known ones.</exception>
    public static OptimizerHelper Create(string name, IEnumerable<Parameter> parameters, OptimizerSettings settings) =>
        Factories.TryGetValue(name, out var create)
            ? create(parameters, settings)
            : throw new UsageException($"unknown optimizer '{name}'; expected one of: {string.Join(", ", Names)}");
}
