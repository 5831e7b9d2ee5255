using LeNetFashion.Runtime;

namespace LeNetFashion.Runs;

/// <summary>What the <c>eval</c> verb is asked to do.</summary>
public sealed record EvalRequest
{
    /// <summary>Model weights file written by <c>train</c> (its JSON beside it).</summary>
    public required string Model { get; init; }

    /// <summary>Data folder, or null for the model's own data folder, then the defaults.</summary>
    public string? DataDir { get; init; }

    /// <summary>Test pictures of a folder data set (<c>--test-dir</c>), or null for the model's own or <c>&lt;data-dir&gt;/test</c>.</summary>
    public string? TestDir { get; init; }

    /// <summary>Device to score on.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>Samples per forward pass; null = 256 for the test set (as train's final test), the model's training batch size for validation.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Folder for the reports, or null for <c>eval-test/</c> or <c>eval-val/</c> beside the model.</summary>
    public string? Output { get; init; }

    /// <summary>The test set, or the model's validation batches.</summary>
    public EvalSplit Split { get; init; } = EvalSplit.Test;

    /// <summary>Test-time augmentation to score with (<see cref="Models.TestTimeAugmentation"/>), replacing the model's own; null = the model's.</summary>
    public string? Tta { get; init; }
}
