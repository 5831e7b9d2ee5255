using System.Diagnostics;
using LeNetFashion.Cli;
using LeNetFashion.Runs;
using Xunit;
using CliRunner = LeNetFashion.Tests.Reliability.Cli;

namespace LeNetFashion.Tests.Runs;

/// <summary>
/// <c>sweep</c>: a spec's configurations; array-job mode with several <c>--index</c> processes at once on one folder; a
/// local sweep of the same spec afterwards keeps the complete runs and ends with the comparison.
/// </summary>
[Collection("Torch")]
public sealed class SweepTests : TestBase
{
    /// <summary>The CLI's own patched app host, built beside the tests' dependencies (src/LeNetFashion.Cli/bin/&lt;configuration&gt;/net10.0).</summary>
    private static string CliExecutable()
    {
        var exe = AppHost.Find();
        Assert.True(exe is not null, "src/LeNetFashion.Cli/bin/<Configuration>/net10.0/lenet-fashion is not built");
        return exe;
    }

    private string Spec(string data)
    {
        var spec = TempFile("spec.json");
        File.WriteAllText(spec, $$"""
            { "base": { "epochs": 1, "batch_size": 16, "seed": 2, "threads": 1 },
              "grid": { "learning_rate": [0.001, 0.01, 0.003] } }
            """);
        return spec;
    }

    [Fact]
    public void A_grid_lists_its_configurations_and_a_bad_one_is_refused_by_index()
    {
        var spec = TempFile("grid.json");
        File.WriteAllText(spec, """{ "base": { "epochs": 2 }, "grid": { "architecture": ["lenet", "bn-cnn"], "learning_rate": [0.001, 0.01] } }""");
        var bad = TempFile("bad.json");
        File.WriteAllText(bad, """{ "base": {}, "grid": { "batch_size": [64, -1] } }""");

        var list = CliRunner.Run("sweep", spec, "--list");

        Assert.True(list.Code == 0, list.Error);
        Assert.Equal(
            ["4", "0\t000-architecture=lenet-learning_rate=0.001\tarchitecture=lenet, learning_rate=0.001", "1\t001-architecture=lenet-learning_rate=0.01\tarchitecture=lenet, learning_rate=0.01",
             "2\t002-architecture=bn-cnn-learning_rate=0.001\tarchitecture=bn-cnn, learning_rate=0.001", "3\t003-architecture=bn-cnn-learning_rate=0.01\tarchitecture=bn-cnn, learning_rate=0.01"],
            list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        CliRunner.AssertError(CliRunner.Run("sweep", bad, "--list"), ExitCodes.InvalidArguments,
            $"sweep {bad}: configuration 1 (batch_size=-1; base and settings together): --batch-size (batch_size) -1: expected a positive whole number");
    }

    [Fact]
    public async Task Three_index_processes_at_once_share_one_folder_and_a_local_sweep_then_keeps_them_and_compares()
    {
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 160, 16);
        var spec = Spec(data);
        var folder = Path.Combine(TempDir, "sweep");
        var exe = CliExecutable();

        var processes = Enumerable.Range(0, 3).Select(i =>
        {
            var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "sweep", spec, "--index", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", folder })
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["LENET_FASHION_DATA"] = data;
            return Process.Start(info)!;
        }).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken), Err: p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken))).ToList();
        for (var i = 0; i < 3; i++)
        {
            await processes[i].WaitForExitAsync(TestContext.Current.CancellationToken);
            var (stdout, stderr) = (await outputs[i].Out, await outputs[i].Err);
            Assert.True(processes[i].ExitCode == 0, $"index {i}: exit {processes[i].ExitCode}: {stdout} {stderr}");
            Assert.Contains($"[{i}] ", stdout);
        }

        var runs = Directory.GetDirectories(folder).Select(Path.GetFileName).Where(n => n![0] is >= '0' and <= '9').Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["000-learning_rate=0.001", "001-learning_rate=0.01", "002-learning_rate=0.003"], runs);
        Assert.All(runs, r => Assert.True(SweepRun.IsComplete(Path.Combine(folder, r!))));

        // The same spec run locally afterwards: everything is complete, so it only compares.
        Environment.SetEnvironmentVariable("LENET_FASHION_DATA", data);
        try
        {
            var local = CliRunner.Run("sweep", spec, "--jobs", "2", "--output", folder);

            Assert.True(local.Code == 0, local.Error);
            var lines = local.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["[0] 000-learning_rate=0.001: complete, kept", "[1] 001-learning_rate=0.01: complete, kept", "[2] 002-learning_rate=0.003: complete, kept"], lines[..3]);
            Assert.StartsWith("run ", lines[3]);
            Assert.StartsWith("Best by validation accuracy: ", lines[7]);
            Assert.Equal($"Wrote {folder}: compare.csv, compare.png, compare.html", lines[8]);
            Assert.Equal(4, File.ReadAllLines(Path.Combine(folder, CompareRun.Csv)).Length);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LENET_FASHION_DATA", null);
        }
    }
}
