using LeNetFashion.Cli;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reporting;
using Xunit;
using CliRunner = LeNetFashion.Tests.Reliability.Cli;

namespace LeNetFashion.Tests.Runs;

/// <summary><c>compare</c> over real (small) runs: the options that differ, the order by validation accuracy, and the three files.</summary>
[Collection("Torch")]
public sealed class CompareRunTests : TestBase
{
    [Fact]
    public void Three_runs_are_compared_by_the_options_that_differ_and_sorted_by_validation_accuracy()
    {
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16);
        var runs = Path.Combine(TempDir, "runs");
        foreach (var (name, extra) in new[] { ("a", new[] { "--lr", "0.001" }), ("b", ["--lr", "0.01"]), ("c", ["--lr", "0.0001"]) })
        {
            var r = CliRunner.Run(["train", "--data-dir", data, "--epochs", "2", "--batch-size", "16", "--seed", "3", "--threads", "1", "--no-tensorboard", "--output", Path.Combine(runs, name), .. extra]);
            Assert.True(r.Code == 0, r.Error);
        }

        // Each run's timing names the CPU and its vector width and counts CPU seconds and page faults (issue 21).
        var timing = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(runs, "a", "model.json")))!["timing"]!;
        Assert.Contains(timing["vector_width"]!.GetValue<string>(), new[] { "avx512", "avx2", "sse4.2", "other" });
        Assert.True(timing["minor_page_faults"]!.GetValue<long>() > 0 && timing["cpu_seconds"]!.GetValue<double>() > 0);
        File.WriteAllText(Path.Combine(runs, "notes.txt"), "not a run");
        var compare = CliRunner.Run("compare", runs);

        Assert.True(compare.Code == 0, compare.Error);
        var result = CompareRun.Execute(new CompareRequest { Runs = [runs] });
        Assert.Equal(["learning_rate"], result.DifferingOptions);
        Assert.Equal(["run", "learning_rate", "parameters", "best_epoch", "val_accuracy", "test_accuracy", "seconds_per_epoch", "data_published"], result.Header);
        var accuracies = result.Runs.Select(r => r.Metadata.ValAccuracy!.Value).ToList();
        Assert.Equal(accuracies.OrderDescending(), accuracies);
        Assert.All(result.Rows, row => Assert.Equal("44426", row[2]));
        Assert.All(result.Rows, row => Assert.Equal("no", row[7])); // the test's own files under Fashion-MNIST's names differ from the published ones
        var csv = File.ReadAllLines(Path.Combine(runs, CompareRun.Csv));
        Assert.Equal("run,learning_rate,parameters,best_epoch,val_accuracy,test_accuracy,seconds_per_epoch,data_published", csv[0]);
        Assert.Equal(4, csv.Length);
        Assert.Equal(result.Rows.Select(r => r[0]), csv.Skip(1).Select(l => l.Split(',')[0]));
        var lines = compare.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("run  learning_rate  parameters", lines[0]);
        Assert.Equal($"Best by validation accuracy: {result.Rows[0][0]} (validation {result.Rows[0][4]}, test {result.Rows[0][5]})", lines[4]);
        Assert.Equal($"Wrote {runs}: compare.csv, compare.png, compare.html", lines[5]);
        Assert.True(PngHeader.ReadSize(Path.Combine(runs, CompareRun.Png)).Width > 500);
        var html = File.ReadAllText(Path.Combine(runs, CompareRun.Html));
        Assert.Contains("<tr class=\"best\"><td>" + result.Rows[0][0] + "</td>", html);
        Assert.Contains("src=\"data:image/png;base64,", html);

        // A run whose model.json quotes control characters is skipped with them shown as '?', as errors show them.
        var damaged = Directory.CreateDirectory(Path.Combine(runs, "d")).FullName;
        File.Copy(Path.Combine(runs, "a", "model.dat"), Path.Combine(damaged, "model.dat"));
        File.WriteAllText(Path.Combine(damaged, "model.json"), File.ReadAllText(Path.Combine(runs, "a", "model.json"))
            .Replace("\"memory_format\": \"contiguous\"", "\"memory_format\": \"x\\u001b[2J\"", StringComparison.Ordinal));
        var again = CompareRun.Execute(new CompareRequest { Runs = [runs], Output = Path.Combine(TempDir, "compare2") });
        var note = Assert.Single(again.Skipped, n => n.StartsWith(damaged, StringComparison.Ordinal));
        Assert.Contains("--memory-format (memory_format) x?[2J: expected one of contiguous, channels-last", note);
        Assert.DoesNotContain('\u001b', note);
    }

    [Fact]
    public void A_path_that_holds_no_run_is_one_line_naming_it()
    {
        var empty = Directory.CreateDirectory(Path.Combine(TempDir, "empty")).FullName;

        CliRunner.AssertError(CliRunner.Run("compare", empty), ExitCodes.InvalidArguments,
            $"compare {empty}: holds no run (no model.json in it or in its sub-folders); expected run folders written by train, or a folder of them");
    }
}
