namespace LeNetFashion.Models;

/// <summary>
/// How a network keeps its activations in memory on the CPU (PyTorch's <c>torch.contiguous_format</c> and
/// <c>torch.channels_last</c>): the option <c>--memory-format</c>, stored in <c>model.json</c> <c>options.memory_format</c>.
/// </summary>
/// <remarks>
/// <para>
/// In channels-last memory the C values of one pixel are adjacent. For networks with tens of channels per layer, LibTorch's
/// oneDNN convolutions then skip their layout conversions and batch normalisation runs its vectorised channels-last kernel:
/// bn-cnn's training batch of 128 took 0.65–0.68 × the time of contiguous memory in alternating rounds on an Intel Xeon
/// with AVX-512, and its recipe's epoch went from 1.01 × to 0.71 × PyTorch 1.13's (<c>scripts/bench/README.md</c>). For
/// the tutorial's LeNet, with 6 and 16 channels, its second convolution was about 20 % slower in channels-last memory, so
/// each architecture has its own default (<see cref="Architecture.DefaultMemoryFormat"/>).
/// </para>
/// <para>
/// The layout changes the order of floating-point sums inside convolutions and batch normalisation, so the two formats
/// give results that differ in the last bits (each is bitwise repeatable). The weights, state-dict keys and every file the
/// tool writes are the same in both. Only CPU tensors are converted.
/// </para>
/// </remarks>
public static class MemoryFormats
{
    /// <summary>Row-major <c>[N, C, H, W]</c>, PyTorch's default.</summary>
    public const string Contiguous = "contiguous";

    /// <summary><c>[N, H, W, C]</c> in memory (<c>torch.channels_last</c>).</summary>
    public const string ChannelsLast = "channels-last";

    /// <summary>The names, as <c>--memory-format</c> takes them.</summary>
    public static IReadOnlyList<string> Names { get; } = [Contiguous, ChannelsLast];
}
