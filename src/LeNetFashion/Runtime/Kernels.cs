namespace LeNetFashion.Runtime;

/// <summary>
/// Which implementation runs the two operations this tool has its own faster path for, chosen once per process:
/// <c>managed</c> (the default) or <c>libtorch</c> (TorchSharp's and LibTorch's own).
/// Both give bitwise the same results (tests compare them); the switch is there to rule the managed paths out when
/// something looks wrong, on a platform they were not tested on, or after a TorchSharp upgrade.
/// </summary>
/// <remarks>
/// The managed paths, kept because alternating rounds showed each buys at least 5 % of a LeNet epoch
/// (<c>scripts/bench/README.md</c>): the 2 × 2 max pooling of <see cref="Models.Layers.MaxPool2d"/> (LibTorch 2.10's CPU
/// kernel for NCHW float is a scalar loop) and the flat-buffer Adam (<see cref="Training.Flat.Adam"/>: eight whole-buffer
/// operations a step instead of about 100 native calls). Set with <c>train --kernels</c> or the environment variable
/// <see cref="EnvironmentVariable"/> (<c>managed</c> or <c>libtorch</c>; the benchmark also takes <c>maxpool</c> or
/// <c>adam</c> for one managed path alone).
/// </remarks>
public static class Kernels
{
    /// <summary>Environment variable read at start-up: <c>managed</c>, <c>libtorch</c>, <c>maxpool</c> or <c>adam</c>.</summary>
    public const string EnvironmentVariable = "LENET_KERNELS";

    /// <summary>The mode names accepted by <see cref="Set"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["managed", "libtorch"];

    /// <summary>Whether 2 × 2 max pooling runs the managed kernel (on contiguous float32 CPU tensors).</summary>
    public static bool ManagedMaxPool { get; private set; } = true;

    /// <summary>Whether <c>--optimizer adam</c> is the flat-buffer Adam rather than TorchSharp's.</summary>
    public static bool FlatAdam { get; private set; } = true;

    /// <summary>The mode in effect: <c>managed</c>, <c>libtorch</c>, or the one managed path alone.</summary>
    public static string Mode => (ManagedMaxPool, FlatAdam) switch
    {
        (true, true) => "managed",
        (false, false) => "libtorch",
        (true, false) => "maxpool",
        _ => "adam",
    };

    private static readonly string? EnvironmentError;

    static Kernels()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value)
        {
            try
            {
                Set(value, $"{EnvironmentVariable}={value}");
            }
            catch (ArgumentException e)
            {
                // Kept for ThrowIfMisconfigured: a type initializer that throws would surface as a stack trace.
                EnvironmentError = e.Message;
            }
        }
    }

    /// <summary>Refuses an unknown <see cref="EnvironmentVariable"/> value; every verb calls this before it starts.</summary>
    /// <exception cref="UsageException">The variable holds neither <c>managed</c> nor <c>libtorch</c> (one line naming it).</exception>
    public static void ThrowIfMisconfigured()
    {
        if (EnvironmentError is { } message)
        {
            throw new UsageException(message);
        }
    }

    /// <summary>Chooses the kernels for the rest of the process.</summary>
    /// <param name="mode"><c>managed</c>, <c>libtorch</c>, <c>maxpool</c> or <c>adam</c> (case-insensitive).</param>
    /// <param name="source">How the mode was given, for the message (<c>--kernels x</c>).</param>
    /// <exception cref="UsageException">Any other value.</exception>
    public static void Set(string mode, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(mode);
        (ManagedMaxPool, FlatAdam) = mode.Trim().ToLowerInvariant() switch
        {
            "managed" => (true, true),
            "libtorch" => (false, false),
            "maxpool" => (true, false),
            "adam" => (false, true),
            _ => throw new UsageException($"{source ?? mode}: expected managed or libtorch"),
        };
    }
}
