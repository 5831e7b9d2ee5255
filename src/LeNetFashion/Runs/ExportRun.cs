namespace LeNetFashion.Runs;

/// <summary>What <c>export</c> writes.</summary>
/// <param name="Model">The model file to read.</param>
/// <param name="Out">The file to write (replaced atomically).</param>
public sealed record ExportRequest(string Model, string Out);

/// <summary>What <c>export</c> wrote.</summary>
/// <param name="Path">The file written (full path).</param>
/// <param name="Tensors">Tensors in it.</param>
/// <param name="Parameters">Trainable parameters (elements).</param>
/// <param name="Architecture">The model's architecture.</param>
public sealed record ExportRunResult(string Path, int Tensors, long Parameters, string Architecture);

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
            throw new IOException($"--out {request.Out}: is a folder; expected a file name such as model.safetensors");
        }

        var (classifier, _) = ModelStore.Load(request.Model);
        using var _ = classifier;
        SafetensorsFile.Save(request.Out, classifier);
        return new ExportRunResult(
            System.IO.Path.GetFullPath(request.Out), classifier.Model.state_dict().Count, classifier.Model.parameters().Sum(p => p.numel()), classifier.Architecture.Name);
    }
}
