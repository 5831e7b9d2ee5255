using System.Text;
using LeNetFashion.Cli;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reliability;
using Xunit;

namespace LeNetFashion.Tests.Cli;

/// <summary>
/// <c>train --resume</c> as a user runs it: the console takes the epoch count from the run's own configuration,
/// not from the command line's default.
/// </summary>
[Collection("Torch")]
public sealed class ResumeConsoleTests : TestBase
{
    [Fact]
    public void A_four_epoch_run_resumed_without_epochs_prints_epochs_1_to_3_of_3_and_writes_four_history_rows()
    {
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16);
        var run = Path.Combine(TempDir, "run");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var output = new CancelOnLine("Epoch 0/3 ", cts);
        var code = CliApp.Run(
            ["train", "--data-dir", data, "--epochs", "4", "--batch-size", "16", "--seed", "3", "--threads", "1", "--output", run],
            output,
            new StringWriter(),
            cts.Token);
        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Single(HistoryCsv.Read(Path.Combine(run, RunFiles.History)));

        var resumed = Reliability.Cli.Run("train", "--resume", run);

        Assert.True(resumed.Code == 0, resumed.Error);
        var epochLines = resumed.Output.Split('\n').Where(l => l.StartsWith("Epoch ", StringComparison.Ordinal)).Select(l => l.Split("  ")[0]);
        Assert.Equal(["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"], epochLines);
        Assert.Contains("Model: lenet, 44,426 parameters; Adam, learning rate 0.001, 4 epochs", resumed.Output);
        Assert.Equal(4, HistoryCsv.Read(Path.Combine(run, RunFiles.History)).Count);
    }

    [Fact]
    public void An_option_that_belongs_to_the_run_configuration_is_refused_with_resume()
    {
        var r = Reliability.Cli.Run("train", "--resume", TempDir, "--arch", "lenet", "--seed", "1");
        Assert.Equal(ExitCodes.InvalidArguments, r.Code);
        Assert.Equal(
            "error: --resume continues with the run's own options; remove --arch, --seed (only --epochs, --data-dir, --test-dir, --kernels, --allow-changed-data and --no-tensorboard may be given with --resume)",
            Reliability.Cli.OneLine(r.Error));
    }

    /// <summary>Standard output that cancels a token when a line starting with <paramref name="prefix"/> is written.</summary>
    private sealed class CancelOnLine(string prefix, CancellationTokenSource cts) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.StartsWith(prefix, StringComparison.Ordinal) == true)
            {
                cts.Cancel();
            }
        }
    }
}
