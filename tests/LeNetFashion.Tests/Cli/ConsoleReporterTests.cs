using LeNetFashion.Cli;
using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Training;
using Xunit;

namespace LeNetFashion.Tests.Cli;

/// <summary>
/// The console reporter knows when the last epoch has ended, so that an interrupt then says the run is finishing its
/// outputs rather than "stopping after the current batch".
/// </summary>
[Collection("Torch")]
public sealed class ConsoleReporterTests : TestBase
{
    [Fact]
    public void Training_is_complete_from_the_last_epochs_end_on()
    {
        var seen = Train(epochs: 3, stopping: null);
        Assert.Equal([false, false, true], seen);
    }

    [Fact]
    public void Early_stopping_completes_training_at_the_epoch_it_stops_after()
    {
        // Learning rate 0: validation accuracy never improves, so patience 1 stops after epoch 1 of 10.
        var seen = Train(epochs: 10, stopping: new EarlyStopping(patience: 1), learningRate: 0);
        Assert.Equal([false, true], seen);
    }

    private List<bool> Train(int epochs, EarlyStopping? stopping, double learningRate = 0.001)
    {
        var set = FashionMnist.Load(Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 64, 16), DatasetPart.Train);
        using var data = TensorData.FromDataset(set);
        using var model = Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist);
        var reporter = new ConsoleReporter(new StringWriter(), interactive: false);
        var probe = new Probe(reporter);
        TrainerCallback[] callbacks = stopping is null ? [reporter, probe] : [stopping, reporter, probe];
        var trainer = new Trainer(model, data, BatchSplit.Create(data.Count, 16, 0.75), epochs,
            Optimizers.Create(Optimizers.Adam, model.Model.parameters(), new OptimizerSettings(learningRate)), callbacks: callbacks);
        trainer.Fit(TestContext.Current.CancellationToken);
        return probe.Seen;
    }

    /// <summary>Records the reporter's flag at each epoch's end, after the reporter has run.</summary>
    private sealed class Probe(ConsoleReporter reporter) : TrainerCallback
    {
        public List<bool> Seen { get; } = [];

        public override void OnEpochEnd(Trainer trainer, EpochRecord record) => Seen.Add(reporter.TrainingComplete);
    }
}
