using System.Diagnostics;
using System.Text.Json;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using Xunit;

namespace LeNetFashion.Tests.Runtime;

/// <summary>
/// <c>train</c> starts again with glibc's per-thread malloc cache off (<see cref="MallocTunables"/>): the value it
/// sets, the verbs it applies to, and, through the built app host, the tunables a run really had (model.json).
/// </summary>
[Collection("Torch")]
public sealed class MallocTunablesTests : TestBase
{
    [Theory]
    [InlineData(null, "glibc.malloc.tcache_count=0")]
    [InlineData("", "glibc.malloc.tcache_count=0")]
    [InlineData("glibc.malloc.mxfast=0", "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=0")]
    [InlineData("glibc.malloc.tcache_count=3", "glibc.malloc.tcache_count=3")]
    [InlineData("glibc.malloc.mxfast=0:glibc.malloc.tcache_count=7", "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=7")]
    [InlineData("glibc.malloc.tcache_count_x=1", "glibc.malloc.tcache_count_x=1:glibc.malloc.tcache_count=0")]
    public void The_tcache_is_turned_off_unless_the_variable_already_sets_it(string? current, string expected)
    {
        Assert.Equal(expected, MallocTunables.WithTcacheOff(current));
    }

    [Fact]
    public void Only_train_on_linux_is_started_again_and_not_for_its_help()
    {
        Assert.Equal(OperatingSystem.IsLinux(), MallocTunables.Wanted(["train", "--epochs", "1"]));
        Assert.False(MallocTunables.Wanted(["predict", "model.dat", "a.png"]));
        Assert.False(MallocTunables.Wanted(["eval"]));
        Assert.False(MallocTunables.Wanted(["--help"]));
        Assert.False(MallocTunables.Wanted(["train", "--help"]));
        Assert.False(MallocTunables.Wanted(["train", "-h"]));
        Assert.False(MallocTunables.Wanted([]));
    }

    [Theory]
    [InlineData(null, "glibc.malloc.tcache_count=0")]
    [InlineData("glibc.malloc.tcache_count=3", "glibc.malloc.tcache_count=3")]
    public async Task A_train_run_records_the_tunables_it_ran_with(string? given, string recorded)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("glibc tunables are Linux's");
        }

        var exe = AppHost.Find();
        if (exe is null)
        {
            Assert.Skip("src/LeNetFashion.Cli/bin/<Configuration>/net10.0/lenet-fashion is not built");
        }

        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 64, 16);
        var run = Path.Combine(TempDir, "run");
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "train", "--data-dir", data, "--epochs", "1", "--batch-size", "16", "--seed", "1", "--threads", "1", "--no-tensorboard", "--output", run })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove(MallocTunables.Variable);
        if (given is not null)
        {
            start.Environment[MallocTunables.Variable] = given;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, stderr);
        Assert.StartsWith("Epoch 0/0", (await stdout).Split('\n').First(l => l.StartsWith("Epoch", StringComparison.Ordinal)));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFiles.ModelJson)));
        Assert.Equal(recorded, json.RootElement.GetProperty("timing").GetProperty("glibc_tunables").GetString());
    }
}
