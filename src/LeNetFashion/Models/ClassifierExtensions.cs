using static TorchSharp.torch;

namespace LeNetFashion.Models;

/// <summary>Uses of a <see cref="Classifier"/> beyond probabilities.</summary>
public static class ClassifierExtensions
{
    /// <summary>
    /// Raw logits of images, in eval mode without gradients (the model's mode is restored), through the classifier's
    /// own preprocessing; for comparing with another framework's logits.
    /// </summary>
    /// <param name="classifier">The model.</param>
    /// <param name="pixels">Pixels <c>[N, C, H, W]</c> uint8 0–255 on the model's device.</param>
    /// <returns>Logits <c>[N][K]</c>.</returns>
    public static float[][] PredictLogits(this Classifier classifier, Tensor pixels)
    {
        var wasTraining = classifier.Model.training;
        classifier.Model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var logits = classifier.Logits(pixels).cpu();
            var k = (int)logits.shape[1];
            var flat = logits.data<float>().ToArray();
            return Enumerable.Range(0, (int)logits.shape[0]).Select(i => flat.AsSpan(i * k, k).ToArray()).ToArray();
        }
        finally
        {
            classifier.Model.train(wasTraining);
        }
    }
}
