using System.Text.Json.Serialization;
using LeNetFashion.Models;

namespace LeNetFashion.Runs;

/// <summary>
/// The JSON written beside a model file (<c>model.json</c> beside <c>model.dat</c>): what is needed to rebuild
/// and score the model, and how it was trained. Keys are snake_case.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>Format tag of this file; <see cref="CurrentFormat"/>.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>The format tag written by this version.</summary>
    public const string CurrentFormat = "lenet-fashion-model/1";

    /// <summary>Architecture name (see <see cref="Architectures"/>).</summary>
    public required string Architecture { get; init; }

    /// <summary>Class names by label.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Input shape of one sample, <c>[C, H, W]</c>.</summary>
    public required IReadOnlyList<long> InputShape { get; init; }

    /// <summary>How pixels become the model's input; null (files written before it existed) = <see cref="Preprocessing.ToTensor"/>.</summary>
    public Preprocessing? Preprocessing { get; init; }

    /// <summary>The resolved configuration the model was trained with, or null for a model not trained by this tool.</summary>
    public RunConfig? Options { get; init; }

    /// <summary>Epoch whose weights were kept (best validation accuracy), from 0.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>Validation accuracy of the kept weights, in [0, 1], as the model predicts (with its test-time augmentation, if any).</summary>
    public double? ValAccuracy { get; init; }

    /// <summary>
    /// With a test-time augmentation (<see cref="Preprocessing.TestTimeAugmentation"/>): the kept weights' validation
    /// accuracy scored on one view per picture, as the per-epoch validation that chose them scored it
    /// (<see cref="ValAccuracy"/> is then with the augmentation); null otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ValAccuracyOneView { get; init; }

    /// <summary>Test accuracy of the kept weights on the 10,000 test images, in [0, 1].</summary>
    public double? TestAccuracy { get; init; }

    /// <summary>Epochs completed.</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>Data folder used.</summary>
    public string? DataDir { get; init; }

    /// <summary>Test folder of a folder data set given with <c>--test-dir</c>, or null (then not written).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TestDir { get; init; }

    /// <summary>Data set the model was trained on (<c>fashion-mnist</c>, <c>mnist</c>, or <c>folder</c> for pictures in class folders); null in files written before it existed = Fashion-MNIST.</summary>
    public string? Dataset { get; init; }

    /// <summary>The data files read (training and test images and labels): file used, SHA-256 of the decompressed content, and whether it matches the published file.</summary>
    public IReadOnlyList<Data.DataProvenance>? Data { get; init; }

    /// <summary>Startup, test-evaluation time and peak memory of the training run; null for files written before it existed or not written by <c>train</c>.</summary>
    public RunTiming? Timing { get; init; }

    /// <summary>
    /// SHA-256 of the weights file beside this metadata (64 lowercase hex digits), written by <see cref="ModelStore.SaveMetadata"/>
    /// and checked on every load, so a damaged <c>model.dat</c> (one flipped bit) is refused; null in files written before it existed.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ModelSha256 { get; init; }

    /// <summary>
    /// How a picture is brought to the model's input (<c>none</c>, <c>fashion-mnist</c>, <c>mnist</c>; see
    /// <see cref="Imaging.Preparation"/>): the steps that made its data set, used by <c>predict</c> by default; null in
    /// files written before it existed (then taken from <see cref="Dataset"/>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Preparation { get; init; }

    /// <summary>Warnings about the run (see <see cref="Training.TrainingHealth"/>), e.g. a loss that ended far above chance level; null when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }

    /// <summary>Versions of the tool, TorchSharp and .NET.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    /// <summary>When the file was written (UTC).</summary>
    public DateTimeOffset CreatedUtc { get; init; }
}
