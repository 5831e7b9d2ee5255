using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>Creates models by architecture name (the <c>--arch</c> values and the name stored with a model).</summary>
public static class ModelFactory
{
    private static readonly Dictionary<string, (Func<nn.Module<Tensor, Tensor>> Create, long[] InputShape, string Description)> Architectures =
        new(StringComparer.Ordinal)
        {
            [LeNet.ArchitectureName] = (() => new LeNet(), [1, 28, 28], "the tutorial's LeNet (sigmoid, max-pool), 44,426 parameters"),
        };

    /// <summary>Known architecture names.</summary>
    public static IReadOnlyCollection<string> Names => Architectures.Keys;

    /// <summary>Creates a freshly initialised model.</summary>
    /// <param name="architecture">An architecture name from <see cref="Names"/>.</param>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static nn.Module<Tensor, Tensor> Create(string architecture) =>
        Architectures.TryGetValue(architecture, out var a)
            ? a.Create()
            : throw new ArgumentException($"unknown architecture '{architecture}'; expected one of: {string.Join(", ", Names)}");

    /// <summary>Input shape of one sample, <c>[C, H, W]</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static long[] InputShape(string architecture) =>
        Architectures.TryGetValue(architecture, out var a)
            ? a.InputShape
            : throw new ArgumentException($"unknown architecture '{architecture}'; expected one of: {string.Join(", ", Names)}");
}
