using System.Globalization;
using LeNetFashion.Runs;
using LeNetFashion.Training;

namespace LeNetFashion.Cli;

/// <summary>
/// Prints a run's progress: information lines, one line per epoch and, on an interactive terminal only,
/// a progress bar within the epoch (batches done, images per second, ETA).
/// </summary>
internal sealed class ConsoleReporter(TextWriter output, bool interactive, int epochs) : IRunReporter
{
    private const int BarWidth = 30;
    private DateTime _lastDraw = DateTime.MinValue;
    private bool _barShown;

    public void Info(string line)
    {
        ClearBar();
        output.WriteLine(line);
    }

    public void BatchCompleted(int epoch, int batchesDone, int batchCount, long samplesDone, double elapsedSeconds)
    {
        if (!interactive)
        {
            return;
        }

        var now = DateTime.UtcNow;
        if (batchesDone < batchCount && (now - _lastDraw).TotalMilliseconds < 100)
        {
            return;
        }

        _lastDraw = now;
        var fraction = (double)batchesDone / batchCount;
        var filled = (int)(fraction * BarWidth);
        var rate = elapsedSeconds > 0 ? samplesDone / elapsedSeconds : 0;
        var eta = fraction > 0 ? elapsedSeconds * (1 - fraction) / fraction : 0;
        output.Write(string.Create(
            CultureInfo.InvariantCulture,
            $"\rEpoch {epoch}/{epochs - 1} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {batchesDone}/{batchCount} batches  {rate,7:N0} img/s  ETA {eta,5:F1} s "));
        _barShown = true;
    }

    public void EpochCompleted(EpochRecord r, bool isBest)
    {
        ClearBar();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Epoch {r.Epoch}/{epochs - 1}  train loss {r.TrainLoss:F4} acc {r.TrainAcc:F4}  val loss {r.ValLoss:F4} acc {r.ValAcc:F4}  {r.Seconds:F1} s{(isBest ? "  * best" : "")}"));
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
