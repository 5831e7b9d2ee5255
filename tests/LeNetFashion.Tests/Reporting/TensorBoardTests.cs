using System.Buffers.Binary;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using LeNetFashion.Tests.Reliability;
using LeNetFashion.Training;
using Tensorboard;
using Xunit;

namespace LeNetFashion.Tests.Reporting;

/// <summary>
/// TensorBoard event files: every record's length and data CRCs check out (TFRecord framing), the events parse, wall
/// times are Unix seconds of now, and a run interrupted and resumed logs every epoch's scalars once.
/// </summary>
[Collection("Torch")]
public sealed class TensorBoardTests : TestBase
{
    /// <summary>Reads every event of every event file in <paramref name="folder"/>, checking both CRCs of each record.</summary>
    private static List<Event> ReadEvents(string folder)
    {
        var events = new List<Event>();
        foreach (var file in Directory.GetFiles(folder, "events.out.tfevents.*").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            var at = 0;
            while (at < bytes.Length)
            {
                var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
                Assert.Equal(TensorBoardWriter.MaskedCrc(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
                var data = bytes.AsSpan(at + 12, length);
                Assert.Equal(TensorBoardWriter.MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
                events.Add(Event.Parser.ParseFrom(data.ToArray()));
                at += 16 + length;
            }

            Assert.Equal(bytes.Length, at);
        }

        return events;
    }

    [Fact]
    public void The_masked_crc_is_crc32c_with_tensorflow_s_mask()
    {
        // CRC-32C("123456789") = 0xE3069283 (RFC 3720's check value), masked: ((c >> 15) | (c << 17)) + 0xa282ead8.
        var crc = 0xE3069283u;
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, TensorBoardWriter.MaskedCrc("123456789"u8));
    }

    [Fact]
    public void A_run_interrupted_and_resumed_logs_scalars_histograms_images_and_text_once_with_unix_wall_times()
    {
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new TrainRequest
        {
            DataDir = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16),
            Config = new RunConfig { Epochs = 3, BatchSize = 16, LearningRate = 0.001, Device = ComputeDevice.Cpu, Threads = 1, Seed = 7 },
            Output = Path.Combine(TempDir, "run"),
        };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = TrainRun.Execute(request, new RecordingReporter(cancel, 0), cancel.Token);
        Assert.Equal(TrainingOutcome.Interrupted, interrupted.Training.Outcome);

        var resumed = TrainRun.Execute(new TrainRequest { Resume = interrupted.OutputDir }, new RecordingReporter(), TestContext.Current.CancellationToken);

        Assert.Equal(TrainingOutcome.Completed, resumed.Training.Outcome);
        Assert.Contains("tensorboard/", resumed.Files);
        var folder = Path.Combine(resumed.OutputDir, RunFiles.TensorBoardDir);
        Assert.Equal(2, Directory.GetFiles(folder, "events.out.tfevents.*").Length); // one per process
        var events = ReadEvents(folder);
        Assert.Equal(2, events.Count(e => e.FileVersion == "brain.Event:2"));
        Assert.All(events, e => Assert.InRange(e.WallTime, started - 1, started + 600));
        var values = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v))).ToList();

        // Each epoch's scalars once, epochs 0, 1, 2, whatever the interruption.
        foreach (var tag in new[] { "loss/train", "loss/val", "accuracy/train", "accuracy/val", "learning_rate" })
        {
            Assert.Equal([0L, 1, 2], values.Where(v => v.v.Tag == tag).Select(v => v.Step).Order());
        }

        var history = HistoryCsv.Read(Path.Combine(resumed.OutputDir, RunFiles.History));
        Assert.Equal(history.Select(r => (float)r.ValAcc), values.Where(v => v.v.Tag == "accuracy/val").OrderBy(v => v.Step).Select(v => v.v.SimpleValue));
        var batchSteps = values.Where(v => v.v.Tag == "batch/train_loss").Select(v => v.Step).ToList();
        Assert.Equal(batchSteps.Distinct().Count(), batchSteps.Count);
        Assert.Equal([0L, 16, 32], batchSteps.Order()); // 16 training batches an epoch, one logged every 50: batch 0 of each epoch

        // Histograms of weights and gradients for each of lenet's 10 parameters, per epoch.
        Assert.Equal(30, values.Count(v => v.v.Tag.StartsWith("weights/", StringComparison.Ordinal) && v.v.Histo is { Num: > 0 }));
        Assert.Equal(30, values.Count(v => v.v.Tag.StartsWith("gradients/", StringComparison.Ordinal) && v.v.Histo is { Num: > 0 }));
        var fc = values.First(v => v.v.Tag == "weights/fc.4.weight" && v.Step == 2).v.Histo;
        Assert.Equal(840, fc.Num);
        Assert.Equal(fc.Num, fc.Bucket.Sum());

        // The configuration as text once, the sample grid and the confusion matrix as PNG images.
        var config = Assert.Single(values, v => v.v.Tag == "config").v;
        Assert.Equal("text", config.Metadata.PluginData.PluginName);
        Assert.Contains("\"architecture\": \"lenet\"", config.Tensor.StringVal[0].ToStringUtf8());
        var samples = Assert.Single(values, v => v.v.Tag == "samples").v.Image;
        var confusion = Assert.Single(values, v => v.v.Tag == "confusion_matrix").v.Image;
        Assert.Equal("\u0089PNG", System.Text.Encoding.Latin1.GetString(samples.EncodedImageString.Span[..4]));
        Assert.True(confusion.Width > 100 && confusion.Height > 100);
    }

    [Fact]
    public void No_tensorboard_writes_no_event_files()
    {
        var run = Path.Combine(TempDir, "run");

        var r = Reliability.Cli.Run("train", "--data-dir", Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 64, 8), "--epochs", "1", "--batch-size", "16", "--seed", "1", "--threads", "1", "--no-tensorboard", "--output", run);

        Assert.True(r.Code == 0, r.Error);
        Assert.False(Directory.Exists(Path.Combine(run, RunFiles.TensorBoardDir)));
        Assert.DoesNotContain("tensorboard/", r.Output);
    }

    [Fact]
    public void A_run_started_with_no_tensorboard_stays_without_event_files_when_resumed()
    {
        var request = new TrainRequest
        {
            DataDir = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 320, 16),
            Config = new RunConfig { Epochs = 3, BatchSize = 16, LearningRate = 0.001, Device = ComputeDevice.Cpu, Threads = 1, Seed = 7 },
            Output = Path.Combine(TempDir, "run"),
            TensorBoard = false,
        };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var interrupted = TrainRun.Execute(request, new RecordingReporter(cancel, 0), cancel.Token);
        Assert.Equal(TrainingOutcome.Interrupted, interrupted.Training.Outcome);

        var resumed = TrainRun.Execute(new TrainRequest { Resume = interrupted.OutputDir }, new RecordingReporter(), TestContext.Current.CancellationToken);

        Assert.Equal(TrainingOutcome.Completed, resumed.Training.Outcome);
        Assert.Equal(3, resumed.Training.History.Count);
        Assert.False(Directory.Exists(Path.Combine(resumed.OutputDir, RunFiles.TensorBoardDir)));
        Assert.DoesNotContain("tensorboard/", resumed.Files);
    }
}
