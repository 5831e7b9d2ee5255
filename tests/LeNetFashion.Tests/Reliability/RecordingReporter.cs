using LeNetFashion.Runs;
using LeNetFashion.Training;

namespace LeNetFashion.Tests.Reliability;

/// <summary>Collects a run's messages; cancels <paramref name="cancel"/> when epoch <paramref name="cancelAfterEpoch"/> completes.</summary>
internal sealed class RecordingReporter(CancellationTokenSource? cancel = null, int cancelAfterEpoch = -1) : IRunReporter
{
    public List<string> Lines { get; } = [];

    public List<EpochRecord> Epochs { get; } = [];

    public void Info(string line) => Lines.Add(line);

    public void BatchCompleted(int epoch, int batchesDone, int batchCount, long samplesDone, double elapsedSeconds)
    {
    }

    public void EpochCompleted(EpochRecord record, bool isBest)
    {
        Epochs.Add(record);
        if (record.Epoch == cancelAfterEpoch)
        {
            cancel?.Cancel();
        }
    }
}
