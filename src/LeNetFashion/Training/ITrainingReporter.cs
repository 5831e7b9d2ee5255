namespace LeNetFashion.Training;

/// <summary>Receives training progress. The library never writes to the console itself.</summary>
public interface ITrainingReporter
{
    /// <summary>Called after each batch (training or validation).</summary>
    /// <param name="epoch">Epoch index from 0.</param>
    /// <param name="batchesDone">Batches finished in this epoch (training and validation together).</param>
    /// <param name="batchCount">Batches per epoch.</param>
    /// <param name="samplesDone">Samples processed in this epoch so far.</param>
    /// <param name="elapsedSeconds">Seconds since the epoch started.</param>
    void BatchCompleted(int epoch, int batchesDone, int batchCount, long samplesDone, double elapsedSeconds);

    /// <summary>Called when an epoch's metrics are known.</summary>
    /// <param name="record">The epoch's metrics.</param>
    /// <param name="isBest">Whether its validation accuracy is the best so far (its weights are kept).</param>
    void EpochCompleted(EpochRecord record, bool isBest);
}
