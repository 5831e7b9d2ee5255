using System.Globalization;
using LeNetFashion.Runs;
using LeNetFashion.Training;

namespace LeNetFashion.Cli;

/// <summary>
/// Prints a run's progress: information lines, one line per epoch and, on an interactive terminal only, a progress
/// bar within the epoch (batches done, images per second, ETA). The epoch count comes from the trainer (the run's
/// resolved configuration), never from the command line.
/// </summary>
internal sealed class ConsoleReporter(TextWriter output, bool interactive) : RunReporter
{
    private const int BarWidth = 30;
    private DateTime _lastDraw = DateTime.MinValue;
    private bool _barShown;

    public override void Info(string line)
    {
        ClearBar();
        output.WriteLine(line);
    }

    public override void OnBatchEnd(Trainer trainer, BatchProgress p)
    {
        if (!interactive)
        {
            return;
        }

        var now = DateTime.UtcNow;
        if (p.BatchesDone < p.BatchCount && (now - _lastDraw).TotalMilliseconds < 100)
        {
            return;
        }

        _lastDraw = now;
        var fraction = (double)p.BatchesDone / p.BatchCount;
        var filled = (int)(fraction * BarWidth);
        var rate = p.ElapsedSeconds > 0 ? p.SamplesDone / p.ElapsedSeconds : 0;
        var eta = fraction > 0 ? p.ElapsedSeconds * (1 - fraction) / fraction : 0;
        output.Write(string.Create(
            CultureInfo.InvariantCulture,
            $"\rEpoch {p.Epoch}/{trainer.Epochs - 1} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {p.BatchesDone}/{p.BatchCount} batches  {rate,7:N0} img/s  ETA {eta,5:F1} s "));
        _barShown = true;
    }

    public override void OnEpochEnd(Trainer trainer, EpochRecord r)
    {
        // Callbacks that stop training (early stopping) run before the reporter, so ShouldStop is final here.
        TrainingComplete = r.Epoch >= trainer.Epochs - 1 || trainer.ShouldStop;
        ClearBar();
        var isBest = trainer.Callback<BestWeights>()?.Epoch == r.Epoch;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Epoch {r.Epoch}/{trainer.Epochs - 1}  train loss {r.TrainLoss:F4} acc {r.TrainAcc:F4}  val loss {r.ValLoss:F4} acc {r.ValAcc:F4}  {r.Seconds:F1} s{(isBest ? "  * best" : "")}"));
    }

    /// <summary>True once the last epoch has ended (every epoch ran, or early stopping ended training): what is left is writing the run's outputs.</summary>
    public bool TrainingComplete { get; private set; }

    public override void OnTrainEnd(Trainer trainer, TrainingResult result)
    {
        TrainingComplete = result.Outcome == TrainingOutcome.Completed;
        if (result.StoppedEarly && trainer.Callback<EarlyStopping>() is { StoppedAfterEpoch: { } epoch } stop)
        {
            Info(string.Create(CultureInfo.InvariantCulture, $"Early stopping after epoch {epoch}: validation accuracy has not improved for {stop.Patience} epoch{(stop.Patience == 1 ? "" : "s")}"));
        }
    }

    private void ClearBar()
    {
        if (_barShown)
        {
            output.Write("\r" + new string(' ', 100) + "\r");
            _barShown = false;
        }
    }
}
