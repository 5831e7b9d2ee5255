using LeNetFashion.Models;
using LeNetFashion.Reporting;

namespace LeNetFashion.Runs;

/// <summary>What <c>summarize</c> describes.</summary>
/// <param name="Model">A model file (its architecture and shapes are summarized), or null.</param>
/// <param name="Architecture">Without a model: the registered architecture, built for Fashion-MNIST.</param>
/// <param name="InputSize">Shape <c>[C, H, W]</c> of one sample to run through it, or null for the model's own.</param>
public sealed record SummarizeRequest(string? Model, string Architecture, IReadOnlyList<long>? InputSize = null);

/// <summary>The <c>summarize</c> verb: the torchsummary table of a model or architecture.</summary>
public static class SummarizeRun
{
    /// <summary>Largest height and width summarized: 512 (bn-cnn at 2,048² took 2.5 GB; at 512² the process peaks at about 360 MB).</summary>
    public const int MaxSummarySide = 512;

    /// <summary>Builds or loads the model and summarizes it for its own input shape (or the one asked for).</summary>
    /// <returns>The layer table.</returns>
    /// <exception cref="ModelFileException">The model cannot be loaded.</exception>
    /// <exception cref="UsageException">Unknown architecture, or an input size the network cannot take.</exception>
    public static ModelSummary Execute(SummarizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Architecture architecture;
        ModelSpec spec;
        TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model;
        if (request.Model is { } file)
        {
            var (classifier, _) = ModelStore.Load(file);
            (architecture, spec, model) = (classifier.Architecture, classifier.Spec, classifier.Model);
        }
        else
        {
            architecture = Architectures.Get(request.Architecture);
            spec = ModelSpec.FashionMnist;
            model = architecture.Create(spec);
        }

        using (model)
        {
            var size = request.InputSize?.ToArray() ?? spec.InputShape;
            if (size.Length != 3 || size[0] > ModelSpec.MaxChannels || size[1] > MaxSummarySide || size[2] > MaxSummarySide)
            {
                throw new UsageException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"--input-size {string.Join(',', size)}: at most {ModelSpec.MaxChannels} channels and {MaxSummarySide} × {MaxSummarySide} pixels (the forward pass of a larger input takes gigabytes); {architecture.Name} expects {string.Join(',', spec.InputShape)}"));
            }

            try
            {
                return ModelSummary.Compute(model, size);
            }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException)
            {
                throw new UsageException(
                    $"--input-size {string.Join(',', size)}: the {architecture.Name} architecture cannot take this input ({IO.Messages.FirstLine(e.Message)}); it expects {string.Join(',', spec.InputShape)}", e);
            }
        }
    }
}
