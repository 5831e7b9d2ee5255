namespace LeNetFashion.Runs;

/// <summary>Options of the <c>eval</c> verb.</summary>
public sealed record EvalRunOptions
{
    /// <summary>Model weights file written by <c>train</c> (its JSON beside it).</summary>
    public required string Model { get; init; }

    /// <summary>Data folder, or null for the model's own data folder, then the defaults.</summary>
    public string? DataDir { get; init; }

    /// <summary><c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Samples per forward pass; null = 256 for the test set (as train's final test), the model's training batch size for validation.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Folder for the reports, or null for <c>eval-test/</c> or <c>eval-val/</c> beside the model.</summary>
    public string? Output { get; init; }

    /// <summary><c>test</c> (10,000 test images) or <c>val</c> (the model's validation batches).</summary>
    public string Split { get; init; } = "test";
}
