using System.Diagnostics;
using LeNetFashion.Cli;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using Xunit;

namespace LeNetFashion.Tests.Reliability;

/// <summary>
/// The disk fills up during a run (a small tmpfs as the run folder; needs root and a kernel that lets this process
/// mount, so it is skipped elsewhere): one line that names the file and what is kept, exit 5, no staging folder
/// left behind, and the last complete checkpoint resumable.
/// </summary>
[Collection("Torch")]
public sealed class DiskFullReliabilityTests : TestBase
{
    [Fact]
    public void A_full_disk_at_the_second_checkpoint_keeps_the_first_intact_and_resumable()
    {
        var mountPoint = TempFile("small-disk");
        Directory.CreateDirectory(mountPoint);
        if (!Sh("mount", "-t", "tmpfs", "-o", "size=1000k", "tmpfs", mountPoint))
        {
            Assert.Skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
        }

        try
        {
            var data = Fixtures.SeparableDataset(TempFile("data"), 640, 16);
            var run = Path.Combine(mountPoint, "run");
            var r = Cli.Run("train", "--data-dir", data, "--epochs", "3", "--batch-size", "64", "--seed", "1", "--threads", "1", "--output", run);

            Cli.AssertError(
                r,
                ExitCodes.OutputError,
                $"--output {run}: no space left on device while writing checkpoint/optimizer.state.dat; completed epochs: 2, epoch 1 not saved; the checkpoint of epoch 0 is intact; free some space, then continue with: train --resume {run}");
            Assert.False(Directory.Exists(Path.Combine(run, "checkpoint.new")));
            Assert.Equal(1, Checkpoint.ReadState(run).EpochsCompleted);

            var moved = TempFile("moved");
            Sh("cp", "-r", run, moved);
            var resumed = Cli.Run("train", "--resume", moved);
            Assert.True(resumed.Code == 0, resumed.Error);
            Assert.Equal(3, HistoryCsv.Read(Path.Combine(moved, RunFiles.History)).Count);
        }
        finally
        {
            Sh("umount", mountPoint);
        }
    }

    private static bool Sh(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(start)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
