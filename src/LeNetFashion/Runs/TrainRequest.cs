namespace LeNetFashion.Runs;

/// <summary>
/// What the <c>train</c> verb is asked to do: a configuration from the command line and where to read and write,
/// or a run folder to resume. <see cref="TrainRun.Resolve"/> turns it into the run's one <see cref="RunConfig"/>.
/// </summary>
public sealed record TrainRequest
{
    /// <summary>The configuration from the command line; ignored with <see cref="Resume"/> (the run's own is used).</summary>
    public RunConfig Config { get; init; } = new();

    /// <summary>Data folder, or null to search the defaults (see <c>DataLocator</c>); with <see cref="Resume"/>, replaces the run's own.</summary>
    public string? DataDir { get; init; }

    /// <summary>Test pictures of a folder data set (<c>--test-dir</c>: one sub-folder per class), or null for <c>&lt;data-dir&gt;/test</c>.</summary>
    public string? TestDir { get; init; }

    /// <summary>Run folder, or null for a new folder under <c>runs/</c> named by date and time.</summary>
    public string? Output { get; init; }

    /// <summary>Allow writing into an existing, non-empty <see cref="Output"/> folder.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Run folder of an interrupted run to continue, or null.</summary>
    public string? Resume { get; init; }

    /// <summary>With <see cref="Resume"/>: a new total number of epochs (more than those completed), or null to keep the run's own.</summary>
    public int? ResumeEpochs { get; init; }

    /// <summary>
    /// With <see cref="Resume"/>: continue even when the data's SHA-256s differ from those the checkpoint recorded (the
    /// files were replaced, or <see cref="DataDir"/> points at other data of the same shape); refused otherwise.
    /// </summary>
    public bool AllowChangedData { get; init; }

    /// <summary>Write TensorBoard event files into the run's <c>tensorboard/</c> folder (see <see cref="TensorBoardCallback"/>); on by default.</summary>
    public bool TensorBoard { get; init; } = true;
}
