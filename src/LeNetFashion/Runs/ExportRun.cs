using System.Globalization;
namespace LeNetFashion.Runs;

/// <summary>What <c>export</c> writes.</summary>
/// <param name="Model">The model file to read.</param>
/// <param name="Out">The file to write, ending in <c>.safetensors</c> or, with <paramref name="Onnx"/>, <c>.onnx</c>.</param>
/// <param name="Overwrite">Replace <paramref name="Out"/> (atomically) when it exists; refused otherwise.</param>
/// <param name="Onnx">Write an ONNX graph (<see cref="OnnxFile"/>) instead of safetensors.</param>
/// <param name="Opset">ONNX opset, <see cref="OnnxFile.MinOpset"/> to <see cref="OnnxFile.MaxOpset"/>; only with <paramref name="Onnx"/>.</param>
public sealed record ExportRequest(string Model, string Out, bool Overwrite = false, bool Onnx = false, int Opset = OnnxFile.DefaultOpset)
{
    /// <summary>Test-time augmentation to write with the model (<see cref="Models.TestTimeAugmentation"/>), replacing its own; null = the model's.</summary>
    public string? Tta { get; init; }
}

/// <summary>What <c>export</c> wrote.</summary>
/// <param name="Path">The file written (full path).</param>
/// <param name="Tensors">Tensors in it (weights and buffers; for ONNX, the weight initializers).</param>
/// <param name="Parameters">Trainable parameters (elements).</param>
/// <param name="Architecture">The model's architecture.</param>
public sealed record ExportRunResult(string Path, int Tensors, long Parameters, string Architecture)
{
    /// <summary>For ONNX: nodes in the graph; null for safetensors.</summary>
    public int? Nodes { get; init; }

    /// <summary>For ONNX: the opset written; null for safetensors.</summary>
    public int? Opset { get; init; }

    /// <summary>For ONNX: the test-time augmentation inside the graph, or null for none.</summary>
    public string? TestTimeAugmentation { get; init; }
}

/// <summary>The <c>export</c> verb: a saved model as a safetensors file under PyTorch's state-dict keys, with its metadata.</summary>
public static class ExportRun
{
    /// <summary>Writes the model of <paramref name="request"/> as safetensors.</summary>
    /// <returns>What was written.</returns>
    /// <exception cref="IOException">The output is a folder or cannot be written.</exception>
    /// <exception cref="ModelFileException">The model cannot be loaded.</exception>
    public static ExportRunResult Execute(ExportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Directory.Exists(request.Out))
        {
            throw new IOException($"--out {request.Out}: is a folder; expected a file name such as model{(request.Onnx ? OnnxFile.Extension : SafetensorsFile.Extension)}");
        }

        var target = System.IO.Path.GetFullPath(request.Out);

        // The write is atomic (a temporary file renamed over the target), so a device node such as /dev/null would be
        // replaced by a regular file: the system's special folders are refused.
        if (!OperatingSystem.IsWindows() && (target.StartsWith("/dev/", StringComparison.Ordinal) || target.StartsWith("/proc/", StringComparison.Ordinal) || target.StartsWith("/sys/", StringComparison.Ordinal)))
        {
            throw new IOException($"--out {request.Out}: a device or system file; expected a file name such as model{(request.Onnx ? OnnxFile.Extension : SafetensorsFile.Extension)}");
        }

        var model = System.IO.Path.GetFullPath(request.Model);
        if (target == model || target == System.IO.Path.GetFullPath(ModelStore.MetadataPath(request.Model)))
        {
            throw new IOException($"--out {request.Out}: is the model being exported (or its metadata); choose another file");
        }

        // Only a .safetensors name: the tool tells formats by extension, so a safetensors file written as model.dat,
        // model.json or a data file would break the run it lands in; and an existing file only with --overwrite.
        var extension = request.Onnx ? OnnxFile.Extension : SafetensorsFile.Extension;
        if (!target.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new IOException($"--out {request.Out}: expected a file name ending in {extension} for --format {(request.Onnx ? "onnx" : "safetensors")} (the tool tells formats by the extension)");
        }

        if (request.Opset is < OnnxFile.MinOpset or > OnnxFile.MaxOpset)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--opset {request.Opset}: expected {OnnxFile.MinOpset} to {OnnxFile.MaxOpset}"));
        }

        if (File.Exists(target) && !request.Overwrite)
        {
            throw new IOException($"--out {request.Out}: exists; add --overwrite to replace it");
        }

        var (classifier, metadata) = ModelStore.Load(request.Model);
        using var _ = classifier;
        if (request.Tta is { } tta)
        {
            classifier.UseTestTimeAugmentation(tta);
        }

        var preparation = metadata.Preparation ?? Imaging.Preparations.Name(Imaging.Preparations.ForDataset(metadata.Dataset));
        var parameters = classifier.Model.parameters().Sum(p => p.numel());
        if (request.Onnx)
        {
            Onnx.GraphProto graph;
            try
            {
                graph = OnnxFile.Save(request.Out, classifier, preparation, request.Opset).Graph;
            }
            catch (NotSupportedException e)
            {
                throw new ModelFileException($"{request.Model}: cannot be exported as ONNX: {e.Message}", e);
            }

            return new ExportRunResult(System.IO.Path.GetFullPath(request.Out), graph.Initializer.Count, parameters, classifier.Architecture.Name)
            {
                Nodes = graph.Node.Count,
                Opset = request.Opset,
                TestTimeAugmentation = classifier.Preprocessing.TestTimeAugmentation,
            };
        }

        SafetensorsFile.Save(request.Out, classifier, preparation);
        return new ExportRunResult(
            System.IO.Path.GetFullPath(request.Out), classifier.Model.state_dict().Count, classifier.Model.parameters().Sum(p => p.numel()), classifier.Architecture.Name);
    }
}
