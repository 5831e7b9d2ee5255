using LeNetFashion.Runs;
using LeNetFashion.Training;

namespace LeNetFashion.Tests.Reliability;

/// <summary>Collects a run's messages; cancels <paramref name="cancel"/> when epoch <paramref name="cancelAfterEpoch"/> completes.</summary>
internal sealed class RecordingReporter(CancellationTokenSource? cancel = null, int cancelAfterEpoch = -1) : RunReporter
{
    public List<string> Lines { get; } = [];

    public List<EpochRecord> Epochs { get; } = [];

    public override void Info(string line) => Lines.Add(line);

    public override void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        Epochs.Add(record);
        if (record.Epoch == cancelAfterEpoch)
        {
            cancel?.Cancel();
        }
    }
}
