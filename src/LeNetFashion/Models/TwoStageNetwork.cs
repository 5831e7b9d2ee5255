using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>
/// The shape every architecture here shares: a feature stage, a flatten, a classifier stage.
/// Input <c>[N, C, H, W]</c>, features <c>[N, …]</c> flattened to <c>[N, F]</c>, logits <c>[N, classes]</c>.
/// </summary>
/// <remarks>
/// The two stages are registered under the names given (<c>conv</c>/<c>fc</c> for the tutorial's networks,
/// <c>features</c>/<c>classifier</c> for bn-cnn). Those names are the prefixes of the state-dict keys, as in the PyTorch
/// modules with the same attribute names; tests pin every architecture's keys.
/// </remarks>
public abstract class TwoStageNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _features;
    private readonly Sequential _classifier;

    /// <summary>Registers the two stages under their state-dict names.</summary>
    /// <param name="name">Module name (the class name).</param>
    /// <param name="featuresName">State-dict prefix of the feature stage.</param>
    /// <param name="features">The feature stage; built first, so its parameters are initialised first, as in PyTorch.</param>
    /// <param name="classifierName">State-dict prefix of the classifier stage.</param>
    /// <param name="classifier">The classifier stage.</param>
    protected TwoStageNetwork(string name, string featuresName, Sequential features, string classifierName, Sequential classifier)
        : base(name)
    {
        _features = features;
        _classifier = classifier;
        register_module(featuresName, features);
        register_module(classifierName, classifier);
        Stages = [(featuresName, features), (classifierName, classifier)];
    }

    /// <summary>
    /// The two stages in order under their state-dict prefixes: the feature layers, then, after flattening to
    /// <c>[N, features]</c>, the classifier layers (what an exporter walks, e.g. <see cref="Runs.OnnxFile"/>).
    /// </summary>
    public IReadOnlyList<(string Name, Sequential Stage)> Stages { get; }

    /// <summary>Logits of a batch.</summary>
    /// <param name="input">Images <c>[N, C, H, W]</c>, float32, preprocessed.</param>
    /// <returns>Logits <c>[N, classes]</c>.</returns>
    public override Tensor forward(Tensor input)
    {
        using var features = Features(input);
        using var flat = features.reshape(features.shape[0], -1);
        return _classifier.forward(flat);
    }

    /// <summary>
    /// Whether the feature stage runs in channels-last memory on the CPU (<see cref="MemoryFormats.ChannelsLast"/>): the
    /// input is converted before the first layer, and the features are flattened in <c>[C, H, W]</c> order as always, so
    /// the classifier's weights mean the same in both formats.
    /// </summary>
    public bool ChannelsLastFeatures { get; set; }

    /// <summary>Runs the feature stage, in channels-last memory when <see cref="ChannelsLastFeatures"/> is set and the input is on the CPU.</summary>
    private Tensor Features(Tensor input)
    {
        if (!ChannelsLastFeatures || input.device_type != TorchSharp.DeviceType.CPU || input.dim() != 4)
        {
            return _features.forward(input);
        }

        using var channelsLast = Layers.ChannelsLast.From(input);
        return _features.forward(channelsLast);
    }
}
