using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>
/// A model ready to classify: the network, its architecture, the class names and the <see cref="Preprocessing"/>
/// that turns pixels into its input. Predicting needs no labels; evaluation (<c>Evaluator</c>) and training's
/// validation are built on <see cref="Logits(Tensor)"/>. Owns the model: disposing the classifier disposes it.
/// </summary>
public sealed class Classifier : IDisposable
{
    /// <summary>Wraps <paramref name="model"/>.</summary>
    /// <param name="model">A module of <paramref name="architecture"/> built for <paramref name="spec"/>, mapping <c>[N, C, H, W]</c> float32 to logits <c>[N, K]</c>.</param>
    /// <param name="architecture">Its registered architecture.</param>
    /// <param name="spec">Input shape and class names (K entries) the model was built for.</param>
    /// <param name="preprocessing">Pixel conversion; <see cref="Preprocessing.ToTensor"/> when null.</param>
    public Classifier(nn.Module<Tensor, Tensor> model, Architecture architecture, ModelSpec spec, Preprocessing? preprocessing = null)
    {
        Model = model;
        Architecture = architecture;
        Spec = spec;
        Preprocessing = preprocessing ?? Preprocessing.ToTensor;
        UseMemoryFormat(architecture.DefaultMemoryFormat);
    }

    /// <summary>The memory format the network's activations use on the CPU (<see cref="MemoryFormats"/>); the architecture's default until <see cref="UseMemoryFormat"/>.</summary>
    public string MemoryFormat { get; private set; } = MemoryFormats.Contiguous;

    /// <summary>Chooses the memory format of the network's activations on the CPU (<c>--memory-format</c>, <c>model.json</c> <c>options.memory_format</c>).</summary>
    /// <param name="memoryFormat">A name of <see cref="MemoryFormats.Names"/>; null for the architecture's default.</param>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public void UseMemoryFormat(string? memoryFormat)
    {
        memoryFormat ??= Architecture.DefaultMemoryFormat;
        if (!MemoryFormats.Names.Contains(memoryFormat))
        {
            throw new ArgumentException($"memory format '{memoryFormat}': expected one of {string.Join(", ", MemoryFormats.Names)}", nameof(memoryFormat));
        }

        MemoryFormat = memoryFormat;
        if (Model is TwoStageNetwork network)
        {
            network.ChannelsLastFeatures = memoryFormat == MemoryFormats.ChannelsLast;
        }
    }

    /// <summary>The network.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Its architecture.</summary>
    public Architecture Architecture { get; }

    /// <summary>Input shape and classes the network was built for.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Class names by label.</summary>
    public IReadOnlyList<string> ClassNames => Spec.ClassNames;

    /// <summary>How pixels become the model's input, and the views averaged in eval mode.</summary>
    public Preprocessing Preprocessing { get; private set; }

    /// <summary>Replaces the test-time augmentation of <see cref="Preprocessing"/> (eval and predict <c>--tta</c>).</summary>
    /// <param name="name">A name of <see cref="TestTimeAugmentation.Names"/>; <c>none</c> for one view.</param>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public void UseTestTimeAugmentation(string name) =>
        Preprocessing = Preprocessing with { TestTimeAugmentation = TestTimeAugmentation.Normalize(name) };

    /// <summary>Creates a classifier with a freshly initialised model for <paramref name="spec"/> (global torch generator).</summary>
    /// <exception cref="ArgumentException">The architecture cannot take the specification's input size.</exception>
    public static Classifier Create(Architecture architecture, ModelSpec spec, Preprocessing? preprocessing = null) =>
        new(architecture.Create(spec), architecture, spec, preprocessing);

    /// <summary>
    /// Logits of pixels, in whatever mode (train/eval) the model is in, with gradients when enabled. In eval mode the
    /// preprocessing's <see cref="Preprocessing.TestTimeAugmentation"/> applies: the logits are then those of the
    /// averaged views (see <see cref="TestTimeAugmentation.Logits"/>).
    /// </summary>
    /// <param name="pixels">Pixels <c>[N, C, H, W]</c> uint8 on the model's device.</param>
    /// <returns>Logits <c>[N, K]</c> float32, owned by the caller's dispose scope.</returns>
    public Tensor Logits(Tensor pixels) => Logits(pixels, testTimeAugmentation: true);

    /// <summary>Logits of pixels as <see cref="Logits(Tensor)"/>, with the test-time augmentation only when <paramref name="testTimeAugmentation"/> is true.</summary>
    /// <param name="pixels">Pixels <c>[N, C, H, W]</c> uint8 on the model's device.</param>
    /// <param name="testTimeAugmentation">False: one view even in eval mode (training's per-epoch validation).</param>
    /// <returns>Logits <c>[N, K]</c> float32, owned by the caller's dispose scope.</returns>
    public Tensor Logits(Tensor pixels, bool testTimeAugmentation)
    {
        if (testTimeAugmentation && !Model.training && Preprocessing.TestTimeAugmentation is { } tta)
        {
            return TestTimeAugmentation.Logits(tta, pixels, OneView);
        }

        return OneView(pixels);
    }

    private Tensor OneView(Tensor pixels)
    {
        using var input = Preprocessing.ToInput(pixels);
        return Model.forward(input);
    }

    /// <summary>
    /// Class probabilities (softmax of the logits) of images, in eval mode without gradients, in batches; the
    /// model's train/eval mode is restored afterwards.
    /// </summary>
    /// <param name="pixels">Pixels <c>[N, C, H, W]</c> uint8 0–255 on the model's device; no labels needed.</param>
    /// <param name="batchSize">Images per forward pass, at least 1.</param>
    /// <returns>Probabilities <c>[N][K]</c>, each row summing to 1.</returns>
    public float[][] PredictProbabilities(Tensor pixels, int batchSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var n = pixels.shape[0];
        var result = new float[n][];
        var wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = no_grad();
            for (long offset = 0; offset < n; offset += batchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, n - offset);
                var p = nn.functional.softmax(Logits(pixels.narrow(0, offset, count)), 1).cpu();
                var flat = p.data<float>().ToArray();
                var k = (int)p.shape[1];
                for (var i = 0; i < count; i++)
                {
                    result[offset + i] = flat.AsSpan(i * k, k).ToArray();
                }
            }
        }
        finally
        {
            Model.train(wasTraining);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
