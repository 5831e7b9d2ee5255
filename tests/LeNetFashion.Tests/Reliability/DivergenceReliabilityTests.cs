using LeNetFashion.Cli;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reporting;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Reliability;

/// <summary>
/// A non-finite loss stops training with exit code 3 and a line naming the epoch and batch; what completed before
/// is kept, and nothing misleading (a model or history of a diverged epoch) is written.
/// </summary>
[Collection("Torch")]
public sealed class DivergenceReliabilityTests : TestBase
{
    private string Data => Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16);

    [Fact]
    public void A_huge_learning_rate_stops_in_the_first_epoch_and_writes_no_model_or_history()
    {
        var run = Path.Combine(TempDir, "run");

        var r = Cli.Run("train", "--data-dir", Data, "--epochs", "2", "--batch-size", "16", "--seed", "7", "--threads", "1", "--lr", "1e37", "--output", run);

        Assert.Equal(ExitCodes.Diverged, r.Code);
        var line = Cli.OneLine(r.Error);
        Assert.Matches(@"^error: training diverged: loss is (NaN|-?Infinity) at epoch 0, batch \d+; the learning rate \(1E\+37\) is probably too high; no epoch completed, so no model, history or plots were written \(.+ holds only samples\.png\)$", line);
        Assert.Contains($"({run} holds only samples.png)", line);
        Assert.Equal(["samples.png"], Directory.GetFileSystemEntries(run).Select(Path.GetFileName));
    }

    [Fact]
    public void A_loss_that_overflows_after_two_epochs_keeps_their_history_curves_and_best_model()
    {
        var run = Path.Combine(TempDir, "run");
        var first = Cli.Run("train", "--data-dir", Data, "--epochs", "2", "--batch-size", "16", "--seed", "7", "--threads", "1", "--output", run);
        Assert.True(first.Code == 0, first.Error);
        var history = HistoryCsv.Read(Path.Combine(run, RunFiles.History));
        var (bestBefore, _) = ModelStore.Load(Path.Combine(run, RunFiles.Model));

        // Weights blown up to 1e38 in the checkpoint: the next epoch's logits overflow float32 to infinity, the loss is NaN.
        using (var blownUp = Architectures.LeNet.Create())
        {
            using (no_grad())
            {
                foreach (var p in blownUp.parameters())
                {
                    p.fill_(1e38);
                }
            }

            TorchSharp.PyBridge.Safetensors.SaveStateDict(Path.Combine(run, RunFiles.CheckpointDir, "trainer.model.safetensors"), blownUp.state_dict());
        }

        var r = Cli.Run("train", "--resume", run, "--epochs", "4");

        Assert.Equal(ExitCodes.Diverged, r.Code);
        Assert.Matches(
            $@"^error: training diverged: loss is (NaN|-?Infinity) at epoch 2, batch 0; the learning rate \(0\.001\) is probably too high; 2 completed epoch\(s\) saved in {System.Text.RegularExpressions.Regex.Escape(run)}$",
            Cli.OneLine(r.Error));
        var after = HistoryCsv.Read(Path.Combine(run, RunFiles.History));
        Assert.Equal(history, after);
        Assert.Equal((Plots.CurvesWidth, Plots.CurvesHeight), PngHeader.ReadSize(Path.Combine(run, RunFiles.Curves)));
        var (bestAfter, metadata) = ModelStore.Load(Path.Combine(run, RunFiles.Model));
        using (bestBefore)
        using (bestAfter)
        {
            Assert.Equal(2, metadata.EpochsCompleted);
            Assert.Equal(history.MaxBy(h => h.ValAcc)!.Epoch, metadata.BestEpoch);
            Weights.AssertBitwiseEqual(bestBefore, bestAfter);
        }
    }

    [Fact]
    public void A_loss_that_stays_far_above_chance_level_ends_with_a_warning_in_the_console_model_json_and_report()
    {
        var run = Path.Combine(TempDir, "run");

        var r = Cli.Run("train", "--data-dir", Data, "--epochs", "3", "--batch-size", "16", "--seed", "7", "--threads", "1", "--lr", "50", "--output", run);

        Assert.Equal(0, r.Code);
        var history = HistoryCsv.Read(Path.Combine(run, RunFiles.History));
        Assert.True(history[^1].TrainLoss > 4 * Math.Log(10), $"the last loss is {history[^1].TrainLoss}");
        var line = Cli.OneLine(r.Error);
        Assert.Matches(@"^warning: the training loss ended at \d+\.\d\d, over 4 × ln 10 = 9\.21 \(a model that guesses scores ln 10 = 2\.30\), with validation accuracy 0\.\d{4}: training diverged; try a learning rate 10 to 100 times smaller than --lr 50$", line);
        var (_, metadata) = ModelStore.Load(Path.Combine(run, RunFiles.Model));
        Assert.Equal([line["warning: ".Length..]], metadata.Warnings);
        Assert.Contains("<p class=\"warning\">Warning: the training loss ended at", File.ReadAllText(Path.Combine(run, RunFiles.Report)));
    }

    [Fact]
    public void An_overwriting_run_that_ends_with_a_warning_keeps_the_run_it_replaced()
    {
        var run = Path.Combine(TempDir, "run");
        Assert.Equal(0, Cli.Run("train", "--data-dir", Data, "--epochs", "2", "--batch-size", "16", "--seed", "7", "--threads", "1", "--output", run).Code);
        var good = File.ReadAllBytes(Path.Combine(run, RunFiles.Model));

        var r = Cli.Run("train", "--data-dir", Data, "--epochs", "3", "--batch-size", "16", "--seed", "7", "--threads", "1", "--lr", "50", "--output", run, "--overwrite");

        Assert.Equal(0, r.Code);
        var kept = Path.Combine(run, RunFolder.ReplacedDir);
        Assert.EndsWith($"; the run --overwrite replaced is kept in {kept} (move its files back to restore it)", Cli.OneLine(r.Error));
        Assert.Equal(good, File.ReadAllBytes(Path.Combine(kept, RunFiles.Model)));
    }

    [Fact]
    public void A_healthy_run_has_no_warning()
    {
        Assert.Empty(LeNetFashion.Training.TrainingHealth.Warnings([new(0, 0.9, 0.7, 0.8, 0.72, 1, 0.001), new(1, 2.5, 0.1, 2.4, 0.1, 1, 0.001)], 10, 0.001));
        Assert.Single(LeNetFashion.Training.TrainingHealth.Warnings([new(0, 9.3, 0.1, 9.0, 0.1, 1, 0.1)], 10, 0.1));
    }
}
