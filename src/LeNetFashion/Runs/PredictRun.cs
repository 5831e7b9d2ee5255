using System.Globalization;
using LeNetFashion.Data;
using LeNetFashion.Imaging;
using LeNetFashion.Models;

namespace LeNetFashion.Runs;

/// <summary>What <c>predict</c> classifies, and how.</summary>
public sealed record PredictRequest
{
    /// <summary>The model file (<c>model.dat</c> with <c>model.json</c> beside it, or <c>.safetensors</c>).</summary>
    public required string Model { get; init; }

    /// <summary>Picture files (PNG, JPEG, BMP, GIF, WebP), each prepared as <see cref="ImageInput.Load"/> does.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>An IDX image file whose images are classified as stored, or null.</summary>
    public string? Idx { get; init; }

    /// <summary>First image of <see cref="Idx"/>, from 0.</summary>
    public int Index { get; init; }

    /// <summary>Number of <see cref="Idx"/> images from <see cref="Index"/>, at least 1.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Whether pictures are inverted: by their border (auto), always or never.</summary>
    public InvertMode Invert { get; init; } = InvertMode.Auto;

    /// <summary>How pictures are brought to the model's input; null for the model's own (its data set's, see <see cref="Preparations.ForDataset"/>).</summary>
    public Preparation? Prepare { get; init; }

    /// <summary>Test-time augmentation to predict with (<see cref="Models.TestTimeAugmentation"/>), replacing the model's own; null = the model's.</summary>
    public string? Tta { get; init; }

    /// <summary>A folder into which the input that reached the model is written as a PNG per input (grey, the model's size), or null.</summary>
    public string? SaveInput { get; init; }

    /// <summary>What transparent pixels are composited onto (see <see cref="ImageInput"/>).</summary>
    public BackgroundMode Background { get; init; } = BackgroundMode.Auto;

    /// <summary>Most probable classes kept per input, at least 1 (at most the class count).</summary>
    public int Top { get; init; } = 3;

    /// <summary>Also return the raw logits of every class.</summary>
    public bool Logits { get; init; }
}

/// <summary>One class and its probability.</summary>
/// <param name="Label">Class index, 0 to K − 1.</param>
/// <param name="ClassName">Its name.</param>
/// <param name="Probability">Softmax probability, in [0, 1].</param>
public sealed record ClassProbability(int Label, string ClassName, float Probability);

/// <summary>The classification of one input.</summary>
/// <param name="Name">The picture file, or the IDX file.</param>
/// <param name="Index">The image number within the IDX file, or null for a picture.</param>
/// <param name="Top">The most probable classes, most probable first (ties: lower label first).</param>
/// <param name="Inverted">Whether the picture was inverted to light on dark.</param>
/// <param name="Logits">Logits <c>[K]</c>, when asked for.</param>
public sealed record Prediction(string Name, int? Index, IReadOnlyList<ClassProbability> Top, bool Inverted, float[]? Logits);

/// <summary>What <c>predict</c> found.</summary>
/// <param name="Predictions">One per input that could be read, in input order (pictures first, then IDX images).</param>
/// <param name="Errors">One line per input that could not be read (the others are still classified).</param>
public sealed record PredictRunResult(IReadOnlyList<Prediction> Predictions, IReadOnlyList<string> Errors)
{
    /// <summary>How the pictures were brought to the model's input.</summary>
    public Preparation Preparation { get; init; }
}

/// <summary>The <c>predict</c> verb: classifies pictures and IDX images with a saved model, in batches, without labels.</summary>
public static class PredictRun
{
    /// <summary>Classifies every input of <paramref name="request"/>.</summary>
    /// <returns>The predictions and the inputs that failed.</returns>
    /// <exception cref="ModelFileException">The model cannot be loaded.</exception>
    /// <exception cref="UsageException">The model takes more than one channel.</exception>
    public static PredictRunResult Execute(PredictRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (classifier, metadata) = ModelStore.Load(request.Model);
        var preparation = request.Prepare ?? Preparations.Parse(metadata.Preparation) ?? Preparations.ForDataset(metadata.Dataset);
        using var _ = classifier;
        if (request.Tta is { } tta)
        {
            classifier.UseTestTimeAugmentation(tta);
        }

        var spec = classifier.Spec;
        if (spec.Channels != 1)
        {
            throw new UsageException($"predict: the model's architecture '{classifier.Architecture.Name}' takes {spec.Channels} channels; only 1-channel (grey) models are supported");
        }

        var inputs = new List<(string Name, int? Index, PreparedImage Image)>();
        var errors = new List<string>();
        foreach (var file in request.Images)
        {
            try
            {
                inputs.Add((file, null, ImageInput.Load(file, spec.Height, spec.Width, request.Invert, request.Background, preparation)));
            }
            catch (DataFormatException e)
            {
                errors.Add(e.Message);
            }
        }

        if (request.Idx is { } idx)
        {
            try
            {
                inputs.AddRange(ReadIdx(idx, request.Index, request.Count, spec.Height, spec.Width));
            }
            catch (DataFormatException e)
            {
                errors.Add(e.Message);
            }
        }

        if (request.SaveInput is { } folder)
        {
            SaveInputs(folder, inputs);
        }

        return new PredictRunResult(inputs.Count == 0 ? [] : Classify(classifier, inputs, request), errors) { Preparation = preparation };
    }

    /// <summary>
    /// Writes each input as the model receives it (before its own preprocessing) into <paramref name="folder"/>:
    /// <c>name.png</c> for a picture <c>name.ext</c>, <c>file-i.png</c> for image i of an IDX file; a name taken twice gets
    /// <c>-2</c>, <c>-3</c>…
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or a file cannot be written.</exception>
    private static void SaveInputs(string folder, List<(string Name, int? Index, PreparedImage Image)> inputs)
    {
        if (File.Exists(folder))
        {
            throw new IOException($"--save-input {folder}: is a file; expected a folder");
        }

        Directory.CreateDirectory(folder);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, index, image) in inputs)
        {
            var stem = Path.GetFileNameWithoutExtension(name);
            if (stem.EndsWith(".gz", StringComparison.Ordinal) || name.EndsWith(".gz", StringComparison.Ordinal))
            {
                stem = Path.GetFileNameWithoutExtension(stem);
            }

            stem = index is { } i ? string.Create(CultureInfo.InvariantCulture, $"{stem}-{i}") : stem;
            var file = stem + ".png";
            for (var n = 2; !taken.Add(file); n++)
            {
                file = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}.png");
            }

            IO.AtomicFile.WriteAllBytes(Path.Combine(folder, file), Grey.Png(image.Pixels, image.Width, image.Height));
        }
    }

    private static List<Prediction> Classify(Classifier classifier, List<(string Name, int? Index, PreparedImage Image)> inputs, PredictRequest request)
    {
        using var pixels = ImageBatch.ToTensor(inputs.Select(i => i.Image).ToList());
        var probabilities = classifier.PredictProbabilities(pixels);
        var logits = request.Logits ? classifier.PredictLogits(pixels) : null;
        var top = Math.Clamp(request.Top, 1, classifier.ClassNames.Count);
        var result = new List<Prediction>(inputs.Count);
        for (var n = 0; n < inputs.Count; n++)
        {
            var p = probabilities[n];
            var best = Enumerable.Range(0, p.Length).OrderByDescending(k => p[k]).ThenBy(k => k).Take(top)
                .Select(k => new ClassProbability(k, classifier.ClassNames[k], p[k])).ToList();
            result.Add(new Prediction(inputs[n].Name, inputs[n].Index, best, inputs[n].Image.Inverted, logits?[n]));
        }

        return result;
    }

    private static IEnumerable<(string, int?, PreparedImage)> ReadIdx(string path, int index, int count, int height, int width)
    {
        var idx = IdxReader.Read(path, 3);
        if (idx.Shape[1] != height || idx.Shape[2] != width)
        {
            throw new DataFormatException($"{path}: images of {idx.Shape[1]} × {idx.Shape[2]} pixels; the model expects {height} × {width}", path);
        }

        if ((long)index + count > idx.Count)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{path}: --index {index} --count {count} asks for images up to {(long)index + count - 1}, but the file has {idx.Count:N0} (0 to {idx.Count - 1})"), path);
        }

        var size = height * width;
        return Enumerable.Range(index, count).Select(i =>
            ((string)path, (int?)i, new PreparedImage(idx.Data.AsSpan(i * size, size).ToArray(), height, width, width, height, 0, false, false)));
    }
}
