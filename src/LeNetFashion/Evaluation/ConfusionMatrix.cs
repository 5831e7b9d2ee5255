namespace LeNetFashion.Evaluation;

/// <summary>
/// Counts of (true class, predicted class) pairs: rows are true classes, columns predicted classes
/// (scikit-learn's convention, <c>sklearn.metrics.confusion_matrix</c>).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    /// <summary>Creates an empty matrix for <paramref name="classNames"/>.</summary>
    /// <param name="classNames">Class names by label.</param>
    public ConfusionMatrix(IReadOnlyList<string> classNames)
    {
        ClassNames = classNames;
        _counts = new long[classNames.Count, classNames.Count];
    }

    /// <summary>Class names by label; the order of rows and columns.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes K.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Number of samples with true class <paramref name="trueClass"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int trueClass, int predicted] => _counts[trueClass, predicted];

    /// <summary>Total number of samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>Number of samples on the diagonal (correct predictions).</summary>
    public long Correct
    {
        get
        {
            long c = 0;
            for (var i = 0; i < ClassCount; i++)
            {
                c += _counts[i, i];
            }

            return c;
        }
    }

    /// <summary>Accuracy = correct / total, in [0, 1]; 0 when empty.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>Builds a matrix from parallel arrays of labels and predictions.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or hold a class outside 0..K-1.</exception>
    public static ConfusionMatrix FromPredictions(IReadOnlyList<string> classNames, ReadOnlySpan<long> labels, ReadOnlySpan<long> predictions)
    {
        if (labels.Length != predictions.Length)
        {
            throw new ArgumentException($"{labels.Length} labels but {predictions.Length} predictions");
        }

        var m = new ConfusionMatrix(classNames);
        for (var i = 0; i < labels.Length; i++)
        {
            m.Add((int)labels[i], (int)predictions[i]);
        }

        return m;
    }

    /// <summary>Counts one sample.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class outside 0..K-1.</exception>
    public void Add(int trueClass, int predicted, long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trueClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(trueClass, ClassCount);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, ClassCount);
        _counts[trueClass, predicted] += count;
        Total += count;
    }

    /// <summary>Sum of row <paramref name="trueClass"/>: the class's support.</summary>
    public long RowTotal(int trueClass)
    {
        long s = 0;
        for (var j = 0; j < ClassCount; j++)
        {
            s += _counts[trueClass, j];
        }

        return s;
    }

    /// <summary>Sum of column <paramref name="predicted"/>: how often the class was predicted.</summary>
    public long ColumnTotal(int predicted)
    {
        long s = 0;
        for (var i = 0; i < ClassCount; i++)
        {
            s += _counts[i, predicted];
        }

        return s;
    }

    /// <summary>A copy of the counts, <c>[K, K]</c>, rows = true class.</summary>
    public long[,] ToArray() => (long[,])_counts.Clone();

    /// <summary>
    /// Unordered class pairs ranked by confusions in both directions (<c>m[a, b] + m[b, a]</c>), largest first;
    /// ties broken by class index. Pairs with no confusion are left out.
    /// </summary>
    /// <param name="count">How many pairs to return at most.</param>
    public IReadOnlyList<ConfusedPair> MostConfusedPairs(int count)
    {
        var pairs = new List<ConfusedPair>();
        for (var a = 0; a < ClassCount; a++)
        {
            for (var b = a + 1; b < ClassCount; b++)
            {
                var ab = _counts[a, b];
                var ba = _counts[b, a];
                if (ab + ba > 0)
                {
                    pairs.Add(new ConfusedPair(a, b, ClassNames[a], ClassNames[b], ab, ba));
                }
            }
        }

        return pairs.OrderByDescending(p => p.Total).ThenBy(p => p.ClassA).ThenBy(p => p.ClassB).Take(count).ToList();
    }
}
