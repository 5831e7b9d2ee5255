using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace LeNetFashion.Runs;

/// <summary>What a <c>sweep</c> runs.</summary>
public sealed record SweepRequest
{
    /// <summary>The spec file (see <see cref="SweepSpec"/>).</summary>
    public required string Spec { get; init; }

    /// <summary>The sweep folder; null for <c>sweeps/&lt;spec name&gt;</c>.</summary>
    public string? Output { get; init; }

    /// <summary>Runs at a time (local mode), at least 1; the CPU threads are split between them.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Run only this configuration (array-job mode), or null for all.</summary>
    public int? Index { get; init; }

    /// <summary>The <c>lenet-fashion</c> executable each run is started with.</summary>
    public required string Executable { get; init; }

    /// <summary>Arguments put before each child's own (the compat loader's, when this process was relaunched under it: <see cref="Runtime.CompatRelaunch.SelfCommand"/>); empty by default.</summary>
    public IReadOnlyList<string> ExecutableArgs { get; init; } = [];
}

/// <summary>What a sweep did.</summary>
/// <param name="Folder">The sweep folder.</param>
/// <param name="Configurations">Every configuration of the spec.</param>
/// <param name="Complete">Run folders of the configurations whose runs are complete.</param>
/// <param name="Failed">One line per run that ended with an error (not interrupted).</param>
/// <param name="Interrupted">Whether the sweep was stopped before every run it started had completed.</param>
public sealed record SweepRunResult(string Folder, IReadOnlyList<SweepConfiguration> Configurations, IReadOnlyList<string> Complete, IReadOnlyList<string> Failed, bool Interrupted)
{
    /// <summary>The comparison of the complete runs, when every configuration is complete.</summary>
    public CompareRunResult? Comparison { get; init; }
}

/// <summary>
/// The <c>sweep</c> verb: every configuration of a spec as an independent <c>train</c> process, each in its own folder
/// under the sweep folder (<c>003-learning_rate=0.003</c>), with its output in <c>logs/</c>. A second sweep of the same spec
/// keeps complete runs, resumes interrupted ones (<c>train --resume</c>) and starts the rest; array-job mode runs one
/// configuration (<see cref="SweepRequest.Index"/>), so many machines can share one folder. When every run is complete,
/// it ends with <see cref="CompareRun"/> over them.
/// </summary>
public static class SweepRun
{
    /// <summary>Environment variable set in every run a sweep starts; <c>train</c> then ignores a second interrupt that arrives within a second of the first (the terminal and the sweep both deliver it).</summary>
    public const string ChildVariable = "LENET_SWEEP_CHILD";

    /// <summary>Sub-folder of the sweep folder holding each run's output.</summary>
    public const string LogsDir = "logs";

    /// <summary>Sub-folder of the sweep folder holding each configuration as a <c>train --config</c> file.</summary>
    public const string ConfigsDir = "configs";

    /// <summary>The sweep folder for <paramref name="request"/>.</summary>
    public static string FolderOf(SweepRequest request) =>
        Path.GetFullPath(request.Output ?? Path.Combine("sweeps", Path.GetFileNameWithoutExtension(request.Spec)));

    /// <summary>Whether the run in <paramref name="folder"/> is complete (its <c>model.json</c> has a test accuracy).</summary>
    public static bool IsComplete(string folder)
    {
        try
        {
            return ModelStore.LoadMetadata(Path.Combine(folder, RunFiles.Model)).TestAccuracy is not null;
        }
        catch (Exception e) when (e is ModelFileException or IOException)
        {
            return false;
        }
    }

    /// <summary>Runs the sweep (or its configuration <see cref="SweepRequest.Index"/>) until done or <paramref name="stop"/>.</summary>
    /// <param name="request">The sweep.</param>
    /// <param name="say">Receives one line per run started or ended.</param>
    /// <param name="stop">Stops starting runs and interrupts the running ones (SIGTERM; they save their last epoch).</param>
    /// <returns>What was complete, failed or interrupted, and the comparison when all are complete.</returns>
    /// <exception cref="UsageException">A bad spec, or an index outside the configurations.</exception>
    public static SweepRunResult Execute(SweepRequest request, Action<string> say, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(say);
        var configurations = SweepSpec.Read(request.Spec);
        if (request.Index is { } index && (index < 0 || index >= configurations.Count))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--index {index}: the sweep {request.Spec} has {configurations.Count} configuration(s), 0 to {configurations.Count - 1}"));
        }

        var folder = FolderOf(request);
        Directory.CreateDirectory(Path.Combine(folder, ConfigsDir));
        Directory.CreateDirectory(Path.Combine(folder, LogsDir));
        foreach (var c in configurations)
        {
            IO.AtomicFile.WriteAllBytes(ConfigFile(folder, c), System.Text.Encoding.UTF8.GetBytes(c.Options.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
        }

        var selected = request.Index is { } only ? [configurations[only]] : configurations;
        var jobs = Math.Max(1, request.Jobs);
        var threads = Math.Max(1, Environment.ProcessorCount / jobs);
        var pending = new Queue<SweepConfiguration>(selected.Where(c => !IsComplete(Path.Combine(folder, c.FolderName))));
        foreach (var done in selected.Where(c => IsComplete(Path.Combine(folder, c.FolderName))))
        {
            say($"[{done.Index}] {done.FolderName}: complete, kept");
        }

        var running = new List<(SweepConfiguration Config, Process Process, StreamWriter Log)>();
        var failed = new List<string>();
        var interrupted = false;
        using var registration = stop.Register(() =>
        {
            lock (running)
            {
                foreach (var (_, process, _) in running)
                {
                    Interrupt(process);
                }
            }
        });
        while (pending.Count > 0 || running.Count > 0)
        {
            while (pending.Count > 0 && running.Count < jobs && !stop.IsCancellationRequested)
            {
                var c = pending.Dequeue();
                var run = Path.Combine(folder, c.FolderName);
                var resume = File.Exists(Path.Combine(run, RunFiles.CheckpointDir, "state.json"));
                List<string> args = resume
                    ? ["train", "--resume", run]
                    : ["train", "--config", ConfigFile(folder, c), "--output", run, .. Directory.Exists(run) ? ["--overwrite"] : Array.Empty<string>(), .. c.Options.ContainsKey("threads") ? Array.Empty<string>() : ["--threads", threads.ToString(CultureInfo.InvariantCulture)]];
                var log = new StreamWriter(Path.Combine(folder, LogsDir, c.FolderName + ".log"), append: true) { AutoFlush = true };
                log.WriteLine($"$ lenet-fashion {string.Join(' ', args)}");
                var process = Start(request.Executable, [.. request.ExecutableArgs, .. args], log);
                lock (running)
                {
                    running.Add((c, process, log));
                }

                say($"[{c.Index}] {c.FolderName}: {(resume ? "resumed" : "started")} ({c.Describe()})");
                if (stop.IsCancellationRequested)
                {
                    Interrupt(process);
                }
            }

            if (running.Count == 0)
            {
                break;
            }

            // Wait for any run to end.
            var ended = -1;
            while (ended < 0)
            {
                lock (running)
                {
                    ended = running.FindIndex(r => r.Process.HasExited);
                }

                if (ended < 0)
                {
                    Thread.Sleep(100);
                }
            }

            (SweepConfiguration config, Process proc, StreamWriter writer) finished;
            lock (running)
            {
                finished = running[ended];
                running.RemoveAt(ended);
            }

            finished.proc.WaitForExit();
            var code = finished.proc.ExitCode;
            finished.proc.Dispose();
            finished.writer.Dispose();
            var name = finished.config.FolderName;
            if (code == 0)
            {
                say($"[{finished.config.Index}] {name}: complete");
            }
            else if (code is 130 or 143)
            {
                interrupted = true;
                say($"[{finished.config.Index}] {name}: interrupted; the next sweep of this spec resumes it");
            }
            else
            {
                failed.Add($"[{finished.config.Index}] {name}: exit {code}; see {Path.Combine(folder, LogsDir, name + ".log")}");
                say(failed[^1]);
            }
        }

        interrupted |= stop.IsCancellationRequested && pending.Count > 0;
        var complete = configurations.Select(c => Path.Combine(folder, c.FolderName)).Where(IsComplete).ToList();
        var result = new SweepRunResult(folder, configurations, complete, failed, interrupted);
        return complete.Count == configurations.Count
            ? result with { Comparison = CompareRun.Execute(new CompareRequest { Runs = complete, Output = folder }) }
            : result;
    }

    private static string ConfigFile(string folder, SweepConfiguration c) =>
        Path.Combine(folder, ConfigsDir, c.Index.ToString("D3", CultureInfo.InvariantCulture) + ".json");

    private static Process Start(string executable, IReadOnlyList<string> args, StreamWriter log)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment[ChildVariable] = "1";
        var process = new Process { StartInfo = info };
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Asks a run to stop as Ctrl+C does: SIGTERM, which train handles as SIGINT (it finishes its batch and saves its last
    /// epoch). Not SIGINT itself, which a shell's background jobs ignore, and with them the runs they start.
    /// </summary>
    private static void Interrupt(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                if (OperatingSystem.IsWindows())
                {
                    process.Kill();
                }
                else
                {
                    _ = SendSignal(process.Id, 15);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // it ended meanwhile
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
