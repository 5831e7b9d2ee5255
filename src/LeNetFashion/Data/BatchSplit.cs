namespace LeNetFashion.Data;

/// <summary>
/// The tutorial's split of a data loader's batches, every epoch: batches are taken in file order (no
/// shuffle), the first <c>round(batchCount × trainRate)</c> batches train and the rest validate
/// (reference: the tutorial's <c>train_model</c>, <c>train_batch_num = round(len(train_loader) * train_rate)</c>;
/// Python's <c>round</c> rounds halves to even, as <see cref="Math.Round(double)"/> does).
/// </summary>
public sealed record BatchSplit
{
    private BatchSplit(int sampleCount, int batchSize, double trainRate, int batchCount, int trainBatches)
    {
        SampleCount = sampleCount;
        BatchSize = batchSize;
        TrainRate = trainRate;
        BatchCount = batchCount;
        TrainBatches = trainBatches;
    }

    /// <summary>Number of samples N in the data set.</summary>
    public int SampleCount { get; }

    /// <summary>Samples per batch; the last batch may be smaller.</summary>
    public int BatchSize { get; }

    /// <summary>Fraction of batches used for training, in (0, 1).</summary>
    public double TrainRate { get; }

    /// <summary>Number of batches, <c>ceil(N / BatchSize)</c>.</summary>
    public int BatchCount { get; }

    /// <summary>Number of training batches (the first ones).</summary>
    public int TrainBatches { get; }

    /// <summary>Number of validation batches (the remaining ones).</summary>
    public int ValidationBatches => BatchCount - TrainBatches;

    /// <summary>Number of training samples.</summary>
    public int TrainSamples => TrainBatches * BatchSize;

    /// <summary>Number of validation samples (including a partial last batch).</summary>
    public int ValidationSamples => SampleCount - TrainSamples;

    /// <summary>Index of the first validation sample.</summary>
    public int ValidationStart => TrainSamples;

    /// <summary>Start index and length of batch <paramref name="index"/> (0-based, over all batches).</summary>
    public (int Start, int Length) Batch(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BatchCount);
        var start = index * BatchSize;
        return (start, Math.Min(BatchSize, SampleCount - start));
    }

    /// <summary>Computes the split.</summary>
    /// <param name="sampleCount">Number of samples, at least 1.</param>
    /// <param name="batchSize">Samples per batch, at least 1.</param>
    /// <param name="trainRate">Fraction of batches that train, strictly between 0 and 1.</param>
    /// <exception cref="UsageException">A value is out of range, or the rate leaves no training batch or
    /// no validation batch; the message says which and how many batches there are.</exception>
    public static BatchSplit Create(int sampleCount, int batchSize, double trainRate)
    {
        if (sampleCount < 1)
        {
            throw new UsageException($"the data set is empty; expected at least 1 sample");
        }

        if (batchSize < 1)
        {
            throw new UsageException($"--batch-size {batchSize}: expected an integer of at least 1");
        }

        if (!(trainRate > 0 && trainRate < 1))
        {
            throw new UsageException($"--train-rate {trainRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}: expected a number strictly between 0 and 1");
        }

        var batchCount = (sampleCount + batchSize - 1) / batchSize;
        var trainBatches = (int)Math.Round(batchCount * trainRate, MidpointRounding.ToEven);
        var rate = trainRate.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (trainBatches < 1)
        {
            throw new UsageException(
                $"--train-rate {rate} leaves no training batch: round({batchCount} batches × {rate}) = 0; use a larger train rate, more data or a smaller batch size");
        }

        if (trainBatches >= batchCount)
        {
            throw new UsageException(
                $"--train-rate {rate} leaves no validation batch: round({batchCount} batches × {rate}) = {trainBatches} of {batchCount}; use a smaller train rate, more data or a smaller batch size");
        }

        return new BatchSplit(sampleCount, batchSize, trainRate, batchCount, trainBatches);
    }
}
