namespace LeNetFashion.Evaluation;

/// <summary>Predictions of a model on a range of samples, with the mean loss.</summary>
/// <param name="Labels">True labels <c>[n]</c>.</param>
/// <param name="Predictions">Arg-max of the logits <c>[n]</c>.</param>
/// <param name="Confidence">Softmax probability of the predicted class <c>[n]</c>, in [0, 1].</param>
/// <param name="LossSum">Sum over samples of the cross-entropy (batch mean × batch size, as the tutorial sums it).</param>
public sealed record PredictionSet(long[] Labels, long[] Predictions, float[] Confidence, double LossSum)
{
    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of correct predictions.</summary>
    public long Correct
    {
        get
        {
            long c = 0;
            for (var i = 0; i < Labels.Length; i++)
            {
                c += Labels[i] == Predictions[i] ? 1 : 0;
            }

            return c;
        }
    }

    /// <summary>Correct / samples, in [0, 1].</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Mean cross-entropy per sample.</summary>
    public double Loss => Count == 0 ? 0 : LossSum / Count;
}
