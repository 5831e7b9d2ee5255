using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LeNetFashion.Cli;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reporting;
using Xunit;

namespace LeNetFashion.Tests.Reliability;

/// <summary>
/// Ctrl+C (SIGINT) or kill (SIGTERM) during training: the real executable, signalled after two completed epochs,
/// finishes the current batch, saves the completed epochs (checkpoint, best model, history, curves), says where,
/// and exits with 130 or 143.
/// </summary>
[Collection("Torch")]
public sealed class InterruptReliabilityTests : TestBase
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public void A_signal_after_two_epochs_saves_the_completed_epochs_and_exits_with_128_plus_its_number(string signal, int exitCode)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("SIGINT is POSIX");
        }

        var exe = AppHost.Find();
        if (exe is null)
        {
            Assert.Skip("src/LeNetFashion.Cli/bin/<Configuration>/net10.0/lenet-fashion is not built");
        }

        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 3200, 16, gzip: false);
        var run = Path.Combine(TempDir, "run");
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "train", "--data-dir", data, "--epochs", "50", "--batch-size", "16", "--seed", "5", "--threads", "1", "--output", run })
        {
            start.ArgumentList.Add(a);
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var secondEpochDone = new ManualResetEventSlim();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }

            if (e.Data?.StartsWith("Epoch 1/", StringComparison.Ordinal) == true)
            {
                secondEpochDone.Set();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };

        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // The failure messages read the output buffers under their locks, and only on failure: the readers keep
            // appending on other threads, and an unlocked StringBuilder.ToString() then fails at random.
            if (!secondEpochDone.Wait(s_timeout, TestContext.Current.CancellationToken))
            {
                Assert.Fail($"no 'Epoch 1/' line within {s_timeout.TotalSeconds} s; exited: {process.HasExited}; stdout: {Snapshot(stdout)}; stderr: {Snapshot(stderr)}");
            }

            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
                Assert.Equal(0, kill.ExitCode);
            }

            if (!process.WaitForExit(s_timeout))
            {
                Assert.Fail($"still running {s_timeout.TotalSeconds} s after SIG{signal}; stdout: {Snapshot(stdout)}");
            }

            process.WaitForExit(); // drains the asynchronous readers
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var err = stderr.ToString();
        Assert.True(process.ExitCode == exitCode, $"exit {process.ExitCode}; stdout: {stdout}; stderr: {err}");
        Assert.DoesNotContain("   at ", err);
        Assert.Contains("Interrupted: stopping after the current batch and saving what is complete (send the signal again to quit at once)", err);
        var match = System.Text.RegularExpressions.Regex.Match(err, @"Interrupted after (\d+) completed epoch\(s\); saved in (.+) \(checkpoint, history, best model\); continue with: train --resume (.+)");
        Assert.True(match.Success, err);
        var completed = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(completed, 2, 50);
        Assert.Equal(run, match.Groups[2].Value);
        Assert.Equal(run, match.Groups[3].Value.Trim());

        var history = HistoryCsv.Read(Path.Combine(run, RunFiles.History));
        Assert.Equal(Enumerable.Range(0, completed), history.Select(h => h.Epoch));
        Assert.Equal(completed, Checkpoint.ReadState(run).EpochsCompleted);
        Assert.Equal((Plots.CurvesWidth, Plots.CurvesHeight), PngHeader.ReadSize(Path.Combine(run, RunFiles.Curves)));
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));

        var (model, metadata) = ModelStore.Load(Path.Combine(run, RunFiles.Model), "lenet");
        model.Dispose();
        Assert.Equal(completed, metadata.EpochsCompleted);
        var best = history.MaxBy(h => h.ValAcc)!; // the first epoch with the highest validation accuracy
        Assert.Equal(best.Epoch, metadata.BestEpoch);
        Assert.Equal(best.ValAcc, metadata.ValAccuracy);
        Assert.Null(metadata.TestAccuracy);

        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFiles.CheckpointDir, "state.json"))))
        {
            Assert.Equal(completed, state.RootElement.GetProperty("epochs_completed").GetInt32());
            Assert.Equal(best.Epoch, state.RootElement.GetProperty("best_epoch").GetInt32());
        }

        // What was saved is enough to continue: one more epoch from the checkpoint completes the run.
        var resumed = Cli.Run("train", "--resume", run, "--epochs", (completed + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains($"Resuming after epoch {completed - 1}", resumed.Output);
        Assert.Equal(completed + 1, HistoryCsv.Read(Path.Combine(run, RunFiles.History)).Count);
    }

    [Fact]
    public void An_interruption_before_the_first_epoch_says_there_is_nothing_to_resume()
    {
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 64, 8);
        var run = Path.Combine(TempDir, "run");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var r = Cli.Run(cancelled.Token, "train", "--data-dir", data, "--epochs", "2", "--batch-size", "16", "--output", run);

        Assert.Equal(ExitCodes.Interrupted, r.Code);
        Assert.Equal($"Interrupted before the first epoch completed; nothing to resume ({run} holds only samples.png)", Cli.OneLine(r.Error));
        Assert.Equal(["samples.png"], Directory.GetFileSystemEntries(run).Select(Path.GetFileName));
    }

    private static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
