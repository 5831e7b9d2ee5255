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

    /// <summary>The CPU's model name (<c>model name</c> of /proc/cpuinfo), or null off Linux.</summary>
    public string? Cpu { get; init; }

    /// <summary>
    /// The widest vector instructions the CPU has, from /proc/cpuinfo's flags: <c>avx512</c> (avx512f), <c>avx2</c>,
    /// <c>sse4.2</c> or <c>other</c>; null off Linux. LibTorch's results differ in the fourth decimal between AVX-512
    /// and AVX2 machines, so exact figures name it.
    /// </summary>
    public string? VectorWidth { get; init; }

    /// <summary>CPU seconds the process used (user + system), for comparisons that wall-clock noise does not move.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>Minor page faults of the process so far (/proc/self/stat field 10): memory mapped in again, a cost that grows when buffers are not reused.</summary>
    public long? MinorPageFaults { get; init; }

    /// <summary>Major page faults of the process so far (/proc/self/stat field 12): pages read from disk.</summary>
    public long? MajorPageFaults { get; init; }

    /// <summary>
    /// The <c>GLIBC_TUNABLES</c> the process started with (for <c>train</c> on Linux normally
    /// <c>glibc.malloc.tcache_count=0</c>, <see cref="Runtime.MallocTunables"/>); null when unset. Page faults and peak
    /// memory depend on it. The variable's text: glibc ignores a value it cannot parse (it warns on standard error).
    /// </summary>
    public string? GlibcTunables { get; init; }

    /// <summary>This process's CPU, CPU seconds, page faults and glibc tunables now.</summary>
    /// <param name="timing">The timing to complete.</param>
    /// <returns><paramref name="timing"/> with <see cref="Cpu"/>, <see cref="VectorWidth"/>, <see cref="CpuSeconds"/>, the page faults and <see cref="GlibcTunables"/> set where known.</returns>
    public static RunTiming WithProcessCounters(RunTiming timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        string? cpu = null, width = null;
        long? minor = null, major = null;
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var lines = File.ReadLines("/proc/cpuinfo").Take(64).ToList();
                cpu = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
                var flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
                width = flags.Contains("avx512f") ? "avx512" : flags.Contains("avx2") ? "avx2" : flags.Contains("sse4_2") ? "sse4.2" : "other";
            }

            if (File.Exists("/proc/self/stat"))
            {
                // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
                var stat = File.ReadAllText("/proc/self/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                minor = long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
                major = long.Parse(fields[9], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // counters are optional
        }

        double? cpuSeconds;
        try
        {
            using var self = Process.GetCurrentProcess();
            cpuSeconds = self.TotalProcessorTime.TotalSeconds;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or PlatformNotSupportedException)
        {
            cpuSeconds = null;
        }

        var tunables = Environment.GetEnvironmentVariable(Runtime.MallocTunables.Variable);
        return timing with
        {
            Cpu = cpu, VectorWidth = width, CpuSeconds = cpuSeconds, MinorPageFaults = minor, MajorPageFaults = major,
            GlibcTunables = string.IsNullOrEmpty(tunables) ? null : tunables,
        };
    }
}
