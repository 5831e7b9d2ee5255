namespace LeNetFashion.Runs;

/// <summary>Names of the files and folders a run folder holds: the one list of what the tool writes there.</summary>
public static class RunFiles
{
    /// <summary>Best weights (TorchSharp format).</summary>
    public const string Model = "model.dat";

    /// <summary>Metadata beside <see cref="Model"/>.</summary>
    public const string ModelJson = "model.json";

    /// <summary>Per-epoch metrics.</summary>
    public const string History = "history.csv";

    /// <summary>Loss and accuracy curves.</summary>
    public const string Curves = "curves.png";

    /// <summary>Test-set confusion matrix, counts (rows = true class).</summary>
    public const string ConfusionCsv = "confusion-matrix.csv";

    /// <summary>Annotated heatmap of the counts.</summary>
    public const string ConfusionPng = "confusion-matrix.png";

    /// <summary>Heatmap of the row-normalised matrix (eval).</summary>
    public const string ConfusionNormalizedPng = "confusion-matrix-normalized.png";

    /// <summary>The first training batch as a grid.</summary>
    public const string Samples = "samples.png";

    /// <summary>First misclassified test images (eval).</summary>
    public const string Misclassified = "misclassified.png";

    /// <summary>Machine-readable evaluation results (eval).</summary>
    public const string Metrics = "metrics.json";

    /// <summary>Self-contained HTML page of the folder's results (train and eval).</summary>
    public const string Report = "report.html";

    /// <summary>Folder of the resumable checkpoint of the last completed epoch.</summary>
    public const string CheckpointDir = "checkpoint";

    /// <summary>Folder of the run's TensorBoard event files (<c>tensorboard --logdir runs</c>).</summary>
    public const string TensorBoardDir = "tensorboard";

    /// <summary>The folder <c>eval</c> writes beside a model by default: <c>eval-test</c> or <c>eval-val</c>.</summary>
    public static string EvalDir(EvalSplit split) => "eval-" + split.ToString().ToLowerInvariant();

    /// <summary>Every file the tool writes into a run or eval folder, in the order "Wrote …" lines list them.</summary>
    public static IReadOnlyList<string> Files { get; } =
    [
        Model, ModelJson, History, Curves, Samples, ConfusionCsv, ConfusionPng, ConfusionNormalizedPng, Misclassified, Metrics, Report,
    ];

    /// <summary>Sub-folders the tool writes into a run folder: the checkpoint, its staging copies and the default eval folders.</summary>
    public static IReadOnlyList<string> Folders { get; } =
        [CheckpointDir, CheckpointDir + ".new", CheckpointDir + ".old", TensorBoardDir, .. Enum.GetValues<EvalSplit>().Select(EvalDir)];
}
