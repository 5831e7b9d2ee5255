namespace LeNetFashion.Models;

/// <summary>
/// The registry of architectures, keyed by name: the only list of networks the tool knows. <c>train</c>,
/// <c>summarize</c>, <c>eval</c>, checkpoints and model files all look architectures up here, and the tests run
/// over every entry (forward shape, state-dict keys, save/load round trip, summary table).
/// </summary>
public static class Architectures
{
    /// <summary>The tutorial's LeNet (sigmoid, max-pool), 44,426 parameters; the default.</summary>
    public static Architecture LeNet { get; } = new(
        Models.LeNet.ArchitectureName, "the tutorial's LeNet (sigmoid, max-pool), 44,426 parameters", Models.LeNet.MinSide, s => new Models.LeNet(s));

    /// <summary>The tutorial's second listing: LeNet-5 with ReLU, average pooling and dropout, 61,706 parameters.</summary>
    public static Architecture LeNet5 { get; } = new(
        Models.LeNet5.ArchitectureName, "the tutorial's second listing, LeNet-5 (ReLU, average pooling, dropout 0.5), 61,706 parameters", Models.LeNet5.MinSide, s => new Models.LeNet5(s));

    /// <summary>A small modern network: three conv + batch-norm + ReLU blocks, max pooling, dropout; 83,562 parameters.</summary>
    public static Architecture BnCnn { get; } = new(
        Models.BnCnn.ArchitectureName, "three conv + batch-norm + ReLU blocks with max pooling and dropout, 83,562 parameters", Models.BnCnn.MinSide, s => new Models.BnCnn(s))
    {
        DefaultMemoryFormat = MemoryFormats.ChannelsLast,
    };

    /// <summary>Every registered architecture, the default first.</summary>
    public static IReadOnlyList<Architecture> All { get; } = [LeNet, LeNet5, BnCnn];

    /// <summary>The default architecture (<see cref="LeNet"/>).</summary>
    public static Architecture Default => LeNet;

    /// <summary>Names of every registered architecture, in registry order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(a => a.Name).ToArray();

    /// <summary>Finds an architecture by name (ordinal, case-sensitive).</summary>
    /// <returns>False when no architecture has that name.</returns>
    public static bool TryGet(string name, out Architecture architecture)
    {
        architecture = All.FirstOrDefault(a => a.Name == name)!;
        return architecture is not null;
    }

    /// <summary>The architecture called <paramref name="name"/>.</summary>
    /// <exception cref="UsageException">Unknown name; the message lists the known ones.</exception>
    public static Architecture Get(string name) =>
        TryGet(name, out var a)
            ? a
            : throw new UsageException($"unknown architecture '{name}'; expected one of: {string.Join(", ", Names)}");
}
