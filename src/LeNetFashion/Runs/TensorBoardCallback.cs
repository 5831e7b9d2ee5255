using System.Text.Json;
using LeNetFashion.Reporting;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// Logs a training run to TensorBoard event files in <c>&lt;run&gt;/tensorboard/</c>: per epoch (step = epoch) the train
/// and validation loss and accuracy and the learning rate, and histograms of every parameter's weights and of its
/// gradients in the epoch's last batch; the training loss every <see cref="BatchInterval"/> batches (step = batches done
/// in the run); the resolved configuration as text and the sample grid as an image at the start; the test confusion
/// matrix at the end (<see cref="LogImage"/>). Batch losses are kept until their epoch completes, so a run interrupted
/// mid-epoch and resumed logs each step once; a resumed run writes a new event file into the same folder, which
/// TensorBoard reads as one run. Nothing is written before the first epoch completes.
/// </summary>
/// <param name="folder">The run folder.</param>
/// <param name="config">The run's resolved configuration, logged as text.</param>
public sealed class TensorBoardCallback(string folder, RunConfig config) : TrainerCallback, IDisposable
{
    private readonly List<(long Step, double Loss)> _pending = [];
    private TensorBoardWriter? _writer;
    private bool _fresh;

    /// <summary>Training batches between two logged batch losses: 50.</summary>
    public const int BatchInterval = 50;

    /// <summary>The event file being written, or null before training starts.</summary>
    public string? EventFile => _writer?.Path;

    /// <inheritdoc />
    public override void OnTrainStart(Trainer trainer) => _fresh = trainer.History.Count == 0;

    /// <inheritdoc />
    public override void OnBatchEnd(Trainer trainer, BatchProgress progress)
    {
        var batch = progress.BatchesDone - 1;
        if (double.IsFinite(progress.Loss) && batch % BatchInterval == 0)
        {
            _pending.Add((((long)progress.Epoch * trainer.Split.TrainBatches) + batch, progress.Loss));
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        // The event file is created when the first epoch completes, so a run that stops before that (interrupted,
        // diverged) leaves only samples.png, as before.
        if (_writer is null)
        {
            _writer = new TensorBoardWriter(Path.Combine(folder, RunFiles.TensorBoardDir));
            if (_fresh)
            {
                _writer.Text("config", "```\n" + JsonSerializer.Serialize(config, ModelStore.JsonOptions) + "\n```", 0);
                LogImage("samples", Path.Combine(folder, RunFiles.Samples), 0);
            }
        }

        foreach (var (step, loss) in _pending)
        {
            _writer.Scalar("batch/train_loss", loss, step);
        }

        _pending.Clear();
        _writer.Scalar("loss/train", record.TrainLoss, record.Epoch);
        _writer.Scalar("loss/val", record.ValLoss, record.Epoch);
        _writer.Scalar("accuracy/train", record.TrainAcc, record.Epoch);
        _writer.Scalar("accuracy/val", record.ValAcc, record.Epoch);
        _writer.Scalar("learning_rate", record.LearningRate, record.Epoch);
        foreach (var (name, parameter) in trainer.Model.named_parameters())
        {
            using var weights = parameter.detach().cpu().to(TorchSharp.torch.ScalarType.Float32).contiguous();
            _writer.Histogram("weights/" + name, weights.data<float>().ToArray(), record.Epoch);
            if (parameter.grad is { } grad)
            {
                using var g = grad.detach().cpu().to(TorchSharp.torch.ScalarType.Float32).contiguous();
                _writer.Histogram("gradients/" + name, g.data<float>().ToArray(), record.Epoch);
            }
        }
    }

    /// <summary>Logs a PNG file as an image (skipped when the file is missing or not a PNG).</summary>
    /// <param name="tag">The image's name.</param>
    /// <param name="png">The PNG file.</param>
    /// <param name="step">The step it belongs to.</param>
    public void LogImage(string tag, string png, long step)
    {
        if (_writer is null || !File.Exists(png))
        {
            return;
        }

        var bytes = File.ReadAllBytes(png);
        if (bytes.Length < 24 || bytes[1] != (byte)'P' || bytes[2] != (byte)'N' || bytes[3] != (byte)'G')
        {
            return;
        }

        var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        _writer.Image(tag, bytes, width, height, step);
    }

    /// <inheritdoc />
    public void Dispose() => _writer?.Dispose();
}
