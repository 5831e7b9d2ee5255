using LeNetFashion.Models;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>Everything the <c>train</c> verb needs; the CLI parses options into this record.</summary>
public sealed record TrainRunOptions
{
    /// <summary>Data folder, or null to search the defaults (see <c>DataLocator</c>).</summary>
    public string? DataDir { get; init; }

    /// <summary>Architecture name.</summary>
    public string Architecture { get; init; } = LeNet.ArchitectureName;

    /// <summary>Epochs, batch size, learning rate, train rate.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary><c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>CPU threads, or null for all logical cores.</summary>
    public int? Threads { get; init; }

    /// <summary>Seed of the torch generator, or null to draw one (it is stored in <c>model.json</c>).</summary>
    public long? Seed { get; init; }

    /// <summary>Run folder, or null for a new folder under <c>runs/</c> named by date and time.</summary>
    public string? Output { get; init; }

    /// <summary>Allow writing into an existing, non-empty <see cref="Output"/> folder.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Use only the first N training images, or null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Run folder of an interrupted run to continue, or null.</summary>
    public string? Resume { get; init; }

    /// <summary>Whether <see cref="TrainingOptions.Epochs"/> was given explicitly (with <see cref="Resume"/>, it replaces the run's own).</summary>
    public bool EpochsGiven { get; init; }
}
