using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeNetFashion.IO;
using LeNetFashion.Models;
using static TorchSharp.torch;

namespace LeNetFashion.Runs;

/// <summary>
/// Saves and loads a model as a TorchSharp weights file (<c>model.dat</c>, <c>Module.save</c> format) with its
/// <see cref="ModelMetadata"/> JSON beside it (same name, <c>.json</c>).
/// </summary>
public static class ModelStore
{
    /// <summary>JSON settings for metadata: snake_case keys, enums as lower-case strings, indented.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Path of the metadata JSON for a model file.</summary>
    public static string MetadataPath(string modelPath) => Path.ChangeExtension(modelPath, ".json");

    /// <summary>Writes the model's weights and its metadata, each atomically.</summary>
    /// <param name="modelPath">Destination of the weights, e.g. <c>runs/…/model.dat</c>.</param>
    /// <param name="classifier">The model.</param>
    /// <param name="metadata">Its metadata.</param>
    public static void Save(string modelPath, Classifier classifier, ModelMetadata metadata)
    {
        AtomicFile.Write(modelPath, tmp => classifier.Model.save(tmp));
        SaveMetadata(modelPath, metadata);
    }

    /// <summary>Writes only the metadata JSON beside <paramref name="modelPath"/>, with the SHA-256 of the weights file as it is now.</summary>
    public static void SaveMetadata(string modelPath, ModelMetadata metadata) =>
        AtomicFile.WriteAllText(MetadataPath(modelPath), JsonSerializer.Serialize(metadata with { ModelSha256 = Sha256Of(modelPath) }, JsonOptions) + "\n");

    /// <summary>Largest <c>model.json</c> read, in bytes (16 MiB; the tool writes a few KB).</summary>
    public const long MaxMetadataBytes = 16L << 20;

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>Reads the metadata JSON beside a model file.</summary>
    /// <exception cref="ModelFileException">Missing or malformed JSON, or another format.</exception>
    public static ModelMetadata LoadMetadata(string modelPath)
    {
        if (Directory.Exists(modelPath))
        {
            throw new ModelFileException($"{modelPath}: is a folder; expected a model file such as {Path.Combine(modelPath, "model.dat")}");
        }

        if (!File.Exists(modelPath))
        {
            throw new ModelFileException($"{modelPath}: model file not found");
        }

        if (IO.Files.Length(modelPath) == 0)
        {
            throw new ModelFileException($"{modelPath}: empty (0 bytes) or not a regular file (a device or pipe); expected the weights file that train writes");
        }

        var jsonPath = MetadataPath(modelPath);
        if (!File.Exists(jsonPath))
        {
            throw new ModelFileException($"{jsonPath}: model metadata not found; expected the JSON that train writes beside the model file");
        }

        var jsonBytes = IO.Files.Length(jsonPath);
        if (jsonBytes == 0 || jsonBytes > MaxMetadataBytes)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"{jsonPath}: {(jsonBytes == 0 ? "empty (0 bytes) or not a regular file" : $"{jsonBytes:N0} bytes")}; model metadata is a JSON file of at most {MaxMetadataBytes:N0} bytes"));
        }

        ModelMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllText(jsonPath), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"{jsonPath}: not valid model metadata JSON ({e.Message})", e);
        }

        if (metadata is null || metadata.Format != ModelMetadata.CurrentFormat)
        {
            throw new ModelFileException($"{jsonPath}: format '{metadata?.Format}', expected '{ModelMetadata.CurrentFormat}'");
        }

        if (!Architectures.TryGet(metadata.Architecture, out _))
        {
            throw new ModelFileException(
                $"{modelPath}: architecture '{metadata.Architecture}' is not one this tool knows ({string.Join(", ", Architectures.Names)})");
        }

        if (metadata.Preparation is { } preparation && Imaging.Preparations.Parse(preparation) is null)
        {
            throw new ModelFileException($"{jsonPath}: preparation '{preparation}' is not one this tool knows ({string.Join(", ", Imaging.Preparations.Names)})");
        }

        // The recorded data set and options are checked as the command line's are: a value it refuses means the file
        // was edited or damaged, so the file is blamed (exit 2), not the command line.
        foreach (var name in new[] { metadata.Dataset, metadata.Options?.Dataset })
        {
            if (name is not null && name != Data.FolderDataset.Name && !Data.Datasets.Names.Contains(name))
            {
                throw new ModelFileException($"{jsonPath}: data set '{name}' is not one this tool knows ({string.Join(", ", [.. Data.Datasets.Names, Data.FolderDataset.Name])})");
            }
        }

        try
        {
            metadata.Options?.Validate();
        }
        catch (UsageException e)
        {
            throw new ModelFileException($"{jsonPath}: options: {e.Message}", e);
        }

        return metadata;
    }

    /// <summary>Loads a model: reads its metadata, rebuilds the architecture and loads the weights; a <c>.safetensors</c> file is read by <see cref="SafetensorsFile.Load"/>.</summary>
    /// <param name="modelPath">The weights file.</param>
    /// <param name="expectedArchitecture">When set, refuse a model of any other architecture.</param>
    /// <returns>The classifier (on the CPU, in eval mode; the caller disposes it) and the metadata.</returns>
    /// <exception cref="ModelFileException">Missing, damaged or truncated file, another architecture, weights
    /// that do not fit the architecture, or NaN or infinite weights.</exception>
    public static (Classifier Classifier, ModelMetadata Metadata) Load(string modelPath, string? expectedArchitecture = null)
    {
        if (SafetensorsFile.IsSafetensors(modelPath))
        {
            return SafetensorsFile.Load(modelPath, expectedArchitecture);
        }

        var metadata = LoadMetadata(modelPath);
        if (expectedArchitecture is not null && metadata.Architecture != expectedArchitecture)
        {
            throw new ModelFileException($"{modelPath}: architecture '{metadata.Architecture}', expected '{expectedArchitecture}'");
        }

        if (!Architectures.TryGet(metadata.Architecture, out var architecture))
        {
            throw new ModelFileException(
                $"{modelPath}: architecture '{metadata.Architecture}' is not one this tool knows ({string.Join(", ", Architectures.Names)})");
        }

        if (metadata.ModelSha256 is { } expected && !string.Equals(expected, Sha256Of(modelPath), StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelFileException($"{modelPath}: its SHA-256 is not the one {Path.GetFileName(MetadataPath(modelPath))} recorded ({expected[..Math.Min(8, expected.Length)]}…); the file was damaged or replaced after it was written");
        }

        ModelSpec spec;
        try
        {
            spec = ModelSpec.From(metadata.InputShape, metadata.ClassNames);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"{MetadataPath(modelPath)}: {e.Message}", e);
        }

        var classifier = Build(modelPath, architecture, spec, metadata.Preprocessing, m => m.load(modelPath, strict: true), e =>
            $"{modelPath}: not a valid '{metadata.Architecture}' weights file ({IO.Messages.FirstLine(e.Message)}); it may be truncated, damaged or of another architecture");
        // Scored in the memory format it was trained in, so eval repeats the run's test accuracy to the bit (Validate
        // above refused unknown names); a run recorded before the option existed trained in contiguous memory.
        classifier.UseMemoryFormat(metadata.Options is { } options ? RunConfig.WithRecordedMemoryFormat(options).MemoryFormat : null);
        return (classifier, metadata);
    }

    /// <summary>
    /// The one model-loading pipeline of every format: builds <paramref name="architecture"/> for <paramref name="spec"/>,
    /// loads the weights, refuses NaN or infinite ones and switches to eval mode.
    /// </summary>
    /// <param name="path">The file, for messages.</param>
    /// <param name="architecture">The architecture.</param>
    /// <param name="spec">Input shape and classes from the file's metadata.</param>
    /// <param name="preprocessing">The stored preprocessing, or null for the default.</param>
    /// <param name="loadWeights">Loads the file's weights into the fresh module (strict).</param>
    /// <param name="failure">The one-line message when the weights do not load.</param>
    /// <returns>The classifier on the CPU, in eval mode; the caller disposes it.</returns>
    /// <exception cref="ModelFileException">The architecture cannot take the shapes, the weights do not fit, or are not finite.</exception>
    internal static Classifier Build(string path, Architecture architecture, ModelSpec spec, Preprocessing? preprocessing, Action<nn.Module<Tensor, Tensor>> loadWeights, Func<Exception, string> failure)
    {
        CheckPreprocessing(path, preprocessing);
        nn.Module<Tensor, Tensor> model;
        try
        {
            // The metadata's shapes decide how much a fresh module allocates; a file cannot hold fewer bytes than its
            // float32 weights, so a shape that asks for far more (over 16 MiB beyond the file) is refused before anything
            // of that size is allocated. Smaller shortfalls (a truncated file) are reported by the load itself.
            var elements = architecture.StateDictElements(spec);
            var fileBytes = new FileInfo(path).Length;
            if (elements > (fileBytes + (16L << 20)) / 4)
            {
                throw new ModelFileException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{path}: '{architecture.Name}' for input shape [{string.Join(", ", spec.InputShape)}] and {spec.ClassCount:N0} classes has {elements:N0} weights, far more than the {fileBytes:N0}-byte file can hold; the stored shape does not belong to these weights"));
            }

            model = architecture.Create(spec);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"{path}: {e.Message}", e);
        }

        try
        {
            loadWeights(model);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new ModelFileException(failure(e), e);
        }

        RequireFiniteWeights(model, path);
        model.eval();
        var classifier = new Classifier(model, architecture, spec, preprocessing);
        RequireFiniteOutput(classifier, path);
        return classifier;
    }

    /// <summary>
    /// Refuses weights that are finite but so large that the model's output overflows float32 (NaN or infinite logits
    /// for a mid-grey picture): every answer would be class 0 with NaN probabilities.
    /// </summary>
    /// <exception cref="ModelFileException">One line naming the file.</exception>
    private static void RequireFiniteOutput(Classifier classifier, string path)
    {
        var spec = classifier.Spec;
        using var probe = full(new long[] { 1, spec.Channels, spec.Height, spec.Width }, (byte)128, ScalarType.Byte);
        if (classifier.PredictLogits(probe)[0].Any(v => !float.IsFinite(v)))
        {
            classifier.Dispose();
            throw new ModelFileException($"{path}: the model's output for a mid-grey picture is not a finite number (its weights are finite but so large that float32 overflows); the file is damaged or comes from a run that diverged");
        }
    }

    /// <summary>
    /// Refuses stored preprocessing that would turn every input into NaN, infinity or a sign-flipped picture: mean and
    /// standard deviation are set together, both finite, the mean within [−1, 2] (pixels are in [0, 1]) and the standard
    /// deviation from 1e-6 to 10.
    /// </summary>
    /// <exception cref="ModelFileException">One line naming the file and the values.</exception>
    private static void CheckPreprocessing(string path, Preprocessing? p)
    {
        if (p?.TestTimeAugmentation is { } tta && !TestTimeAugmentation.Names.Contains(tta, StringComparer.Ordinal))
        {
            throw new ModelFileException($"{path}: stored preprocessing.test_time_augmentation '{tta}': expected one of {string.Join(", ", TestTimeAugmentation.Names)}; the file is damaged or was written by a newer tool");
        }

        if (p is null || (p.Mean is null && p.Std is null))
        {
            return;
        }

        if (p is not { Mean: { } mean, Std: { } std } || !double.IsFinite(mean) || !double.IsFinite(std) || mean < -1 || mean > 2 || !(std >= 1e-6) || std > 10)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: stored preprocessing mean {p.Mean?.ToString("R", CultureInfo.InvariantCulture) ?? "none"}, std {p.Std?.ToString("R", CultureInfo.InvariantCulture) ?? "none"}: expected both, finite, a mean within [-1, 2] and a standard deviation from 1e-6 to 10; the file is damaged or was not written for this tool"));
        }
    }

    /// <summary>
    /// Refuses weights that are NaN or infinite: such a file scores every image as class 0 with NaN probabilities, so
    /// it is damaged or was written by a diverged run. The model is disposed before the exception.
    /// </summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="modelPath">The file, for the message.</param>
    /// <exception cref="ModelFileException">A floating-point parameter or buffer has a non-finite element.</exception>
    internal static void RequireFiniteWeights(nn.Module<Tensor, Tensor> model, string modelPath)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(model.named_buffers()))
        {
            if (!tensor.is_floating_point())
            {
                continue;
            }

            var bad = tensor.isfinite().logical_not().sum().item<long>();
            if (bad > 0)
            {
                var message = $"{modelPath}: {bad} of {tensor.numel()} values of '{name}' are NaN or infinite; the file is damaged or comes from a run that diverged";
                model.Dispose();
                throw new ModelFileException(message);
            }
        }
    }

}
