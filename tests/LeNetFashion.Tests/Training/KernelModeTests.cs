using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using LeNetFashion.Tests.Reliability;
using LeNetFashion.Training;
using Xunit;

namespace LeNetFashion.Tests.Training;

/// <summary>The two kernel modes (<see cref="Kernels"/>) train bitwise the same run; CI runs the whole suite in both.</summary>
[Collection("Torch")]
public sealed class KernelModeTests : TestBase
{
    [Theory]
    [InlineData("lenet")]
    [InlineData("bn-cnn")]
    public void Managed_and_libtorch_kernels_train_the_same_model_bytes(string architecture)
    {
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 256, 16);
        var before = Kernels.Mode;
        try
        {
            byte[] Train(string mode)
            {
                Kernels.Set(mode);
                var run = TrainRun.Execute(
                    new TrainRequest
                    {
                        DataDir = data,
                        Config = new RunConfig { Architecture = architecture, Epochs = 2, BatchSize = 16, Device = ComputeDevice.Cpu, Threads = 1, Seed = 3, Shuffle = true },
                        Output = Path.Combine(TempDir, mode),
                    },
                    new RecordingReporter(null, -1),
                    TestContext.Current.CancellationToken);
                Assert.Equal(TrainingOutcome.Completed, run.Training.Outcome);
                return File.ReadAllBytes(Path.Combine(run.OutputDir, RunFiles.Model));
            }

            Assert.Equal(Train("managed"), Train("libtorch"));
        }
        finally
        {
            Kernels.Set(before);
        }
    }

    [Fact]
    public void An_unknown_mode_is_one_line_naming_the_choices()
    {
        var e = Assert.Throws<UsageException>(() => Kernels.Set("fast", "--kernels fast"));
        Assert.Equal("--kernels fast: expected managed or libtorch", e.Message);
    }
}
