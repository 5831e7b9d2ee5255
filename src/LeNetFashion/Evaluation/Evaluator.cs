using LeNetFashion.Data;
using LeNetFashion.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Evaluation;

/// <summary>
/// Runs a classifier in evaluation mode without gradients over consecutive batches of labelled data. Training's
/// validation pass and the <c>eval</c> verb both use it, so the same weights, samples and batch size give identical
/// numbers.
/// </summary>
public static class Evaluator
{
    /// <summary>Default batch size for scoring the test set (train's final test and <c>eval</c> share it).</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Predicts samples <c>[start, start + count)</c> in batches of <paramref name="batchSize"/>.</summary>
    /// <param name="classifier">Model and preprocessing; its train/eval mode is restored afterwards.</param>
    /// <param name="data">Pixels <c>[N, 1, 28, 28]</c> uint8 and labels <c>[N]</c> on the model's device.</param>
    /// <param name="start">First sample.</param>
    /// <param name="count">Number of samples.</param>
    /// <param name="batchSize">Samples per forward pass, at least 1.</param>
    /// <param name="testTimeAugmentation">False: score one view even when the model's preprocessing names a test-time augmentation (training's per-epoch validation).</param>
    /// <returns>Per-sample labels, predictions and confidences, and the loss sum (batch mean × batch size, summed).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public static PredictionSet Predict(Classifier classifier, TensorData data, long start, long count, int batchSize, bool testTimeAugmentation = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var model = classifier.Model;
        var wasTraining = model.training;
        model.eval();
        var allLabels = new long[count];
        var allPredictions = new long[count];
        var confidence = new float[count];
        double lossSum = 0;
        try
        {
            using var noGrad = no_grad();
            for (long offset = 0; offset < count; offset += batchSize)
            {
                using var scope = NewDisposeScope();
                var n = Math.Min(batchSize, count - offset);
                var (x, y) = data.Slice(start + offset, n);
                var logits = classifier.Logits(x, testTimeAugmentation);
                var loss = nn.functional.cross_entropy(logits, y);
                lossSum += loss.item<float>() * (double)n;
                var predicted = logits.argmax(1);
                var p = nn.functional.softmax(logits, 1).gather(1, predicted.unsqueeze(1)).squeeze(1);
                CopyTo(y, allLabels, offset);
                CopyTo(predicted, allPredictions, offset);
                p.cpu().data<float>().CopyTo(confidence, (int)offset);
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return new PredictionSet(allLabels, allPredictions, confidence, lossSum);
    }

    private static void CopyTo(Tensor t, long[] destination, long offset) =>
        t.cpu().data<long>().CopyTo(destination, (int)offset);
}
