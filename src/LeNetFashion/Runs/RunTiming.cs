using System.Diagnostics;

namespace LeNetFashion.Runs;

/// <summary>
/// Where a training run's time and memory went, beyond the per-epoch seconds of <c>history.csv</c>; written
/// into <c>model.json</c> (key <c>timing</c>) for benchmarks (<c>scripts/bench/</c>) and for the curious.
/// </summary>
/// <param name="SecondsToFirstBatch">Seconds from process start (the kernel's start time, 10 ms resolution) to the start of the first training batch: runtime start, data reading and hashing, model set-up.</param>
/// <param name="TestEvalSeconds">Wall-clock seconds of the test-set evaluation (forward passes over all test images without gradients, plus copying logits out); null when no test evaluation ran.</param>
/// <param name="TestImages">Images in that evaluation (10,000 for the standard test sets).</param>
/// <param name="PeakResidentBytes">Peak resident memory of the process in bytes (Linux <c>VmHWM</c>), read after the test evaluation.</param>
public sealed record RunTiming(double? SecondsToFirstBatch, double? TestEvalSeconds, int? TestImages, long? PeakResidentBytes)
{
    /// <summary>Seconds since this process started, from <see cref="Process.StartTime"/>; null where the platform does not tell.</summary>
    public static double? SecondsSinceProcessStart()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            return (DateTime.Now - self.StartTime).TotalSeconds;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Peak resident memory of this process in bytes (<see cref="Process.PeakWorkingSet64"/>, Linux <c>VmHWM</c>); null where it is not known.</summary>
    public static long? PeakResidentBytesNow()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            var peak = self.PeakWorkingSet64;
            return peak > 0 ? peak : null;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or PlatformNotSupportedException)
        {
            return null;
        }
    }
}
