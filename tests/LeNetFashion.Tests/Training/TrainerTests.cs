using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.Models;
using LeNetFashion.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Training;

[Collection("Torch")]
public sealed class TrainerTests : TestBase
{
    private (TensorData Data, ImageDataset Set) Separable(int count)
    {
        Fixtures.SeparableDataset(TempDir, count, 2);
        var set = FashionMnist.Load(TempDir, DatasetPart.Train);
        return (TensorData.FromDataset(set), set);
    }

    private static Classifier NewLeNet() => Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist);

    /// <summary>A trainer with Adam (PyTorch's defaults) and the given callbacks, as <c>train</c> builds it.</summary>
    private static Trainer NewTrainer(Classifier model, TensorData data, int epochs, int batchSize, double lr = 0.001, double trainRate = 0.8, params TrainerCallback[] callbacks) =>
        new(
            model,
            data,
            BatchSplit.Create(data.Count, batchSize, trainRate),
            epochs,
            Optimizers.Create(Optimizers.Adam, model.Model.parameters(), new OptimizerSettings(lr)),
            callbacks: callbacks);

    [Fact]
    public void A_separable_two_class_fixture_is_learnt_to_over_95_percent()
    {
        manual_seed(1);
        var (data, _) = Separable(640);
        using var _d = data;
        using var model = NewLeNet();
        var trainer = NewTrainer(model, data, epochs: 4, batchSize: 16, lr: 0.01);
        var result = trainer.Fit(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(4, result.History.Count);
        Assert.True(result.History[^1].ValAcc > 0.95, $"validation accuracy {result.History[^1].ValAcc}");
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
    }

    [Fact]
    public void Validation_loss_and_accuracy_are_per_sample_with_a_partial_last_batch()
    {
        manual_seed(2);
        var (data, _) = Separable(70); // batches of 16: 5 batches, 4 train (64), 1 validates 6 samples... use rate 0.6
        using var _d = data;
        using var model = NewLeNet();
        var trainer = NewTrainer(model, data, epochs: 1, batchSize: 16, trainRate: 0.6);
        var split = trainer.Split;
        Assert.Equal((3, 2, 48, 22), (split.TrainBatches, split.ValidationBatches, split.TrainSamples, split.ValidationSamples));
        var result = trainer.Fit(cancellationToken: TestContext.Current.CancellationToken);

        // Independent computation: per-sample losses over the 22 validation samples, in one pass.
        model.Model.eval();
        using var noGrad = no_grad();
        var (pixels, y) = data.Slice(48, 22);
        using var x = pixels.to_type(ScalarType.Float32).div(255f);
        using var logits = model.Model.forward(x);
        using var losses = nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.None);
        var expectedLoss = losses.to_type(ScalarType.Float64).mean().item<double>();
        var expectedAcc = logits.argmax(1).eq(y).sum().item<long>() / 22.0;

        Assert.Equal(expectedLoss, result.History[0].ValLoss, 1e-6);
        Assert.Equal(expectedAcc, result.History[0].ValAcc);
    }

    [Fact]
    public void The_restored_model_scores_exactly_the_best_validation_accuracy_even_when_the_best_epoch_is_not_the_last()
    {
        // A learning rate high enough to make validation accuracy wander, found with this seed.
        manual_seed(3);
        var (data, _) = Separable(320);
        using var _d = data;
        using var model = NewLeNet();
        using var bestWeights = new BestWeights();
        var trainer = NewTrainer(model, data, epochs: 6, batchSize: 16, lr: 0.2, trainRate: 0.5, bestWeights);
        var result = trainer.Fit(cancellationToken: TestContext.Current.CancellationToken);

        var best = result.History.MaxBy(h => h.ValAcc)!;
        Assert.Equal(best.Epoch, bestWeights.Epoch);
        Assert.Equal(best.ValAcc, bestWeights.ValAcc);
        Assert.NotEqual(result.History.Count - 1, bestWeights.Epoch); // the case this test is about
        var split = trainer.Split;
        var again = Evaluator.Predict(model, data, split.ValidationStart, split.ValidationSamples, split.BatchSize);
        Assert.Equal(best.ValAcc, again.Accuracy);
        Assert.Equal(best.ValLoss, again.Loss);
    }

    [Fact]
    public void A_non_finite_loss_stops_training_and_names_epoch_and_batch()
    {
        manual_seed(4);
        var (data, _) = Separable(320);
        using var _d = data;
        using var model = NewLeNet();
        var trainer = NewTrainer(model, data, epochs: 3, batchSize: 16, lr: double.NaN);
        var result = trainer.Fit(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Equal("training diverged: loss is NaN at epoch 0, batch 1; the learning rate (NaN) is probably too high", result.Message);
        Assert.Empty(result.History);
    }

    [Fact]
    public void A_learning_rate_that_overflows_the_optimizer_stops_training_with_a_message()
    {
        manual_seed(4);
        var (data, _) = Separable(320);
        using var _d = data;
        using var model = NewLeNet();
        var trainer = NewTrainer(model, data, epochs: 3, batchSize: 16, lr: 1e38);
        var result = trainer.Fit(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.StartsWith("training diverged: the optimizer step failed at epoch 0, batch 0 (", result.Message);
    }

    [Fact]
    public void Cancellation_discards_the_unfinished_epoch()
    {
        manual_seed(5);
        var (data, _) = Separable(320);
        using var _d = data;
        using var model = NewLeNet();
        using var cts = new CancellationTokenSource();
        var trainer = NewTrainer(model, data, epochs: 5, batchSize: 16, callbacks: new AfterEachEpoch(t =>
        {
            if (t.History.Count == 2)
            {
                cts.Cancel();
            }
        }));
        var result = trainer.Fit(cts.Token);

        Assert.Equal(TrainingOutcome.Interrupted, result.Outcome);
        Assert.Equal(2, result.History.Count);
    }

    [Fact]
    public void The_optimizer_is_adam_with_pytorchs_defaults()
    {
        using var model = NewLeNet();
        using var optimizer = Optimizers.Create(Optimizers.Adam, model.Model.parameters(), new OptimizerSettings(0.001));

        // Managed kernels: the flat-buffer Adam, TorchSharp's Adam (a subclass, same class name in optimizer.dat) with its
        // arithmetic; LibTorch kernels: TorchSharp's Adam itself.
        var adam = Assert.IsAssignableFrom<TorchSharp.Modules.Adam>(optimizer);
        Assert.Equal(LeNetFashion.Runtime.Kernels.FlatAdam, adam is LeNetFashion.Training.Flat.Adam);
        Assert.Equal("Adam", adam.GetType().Name);
        Assert.Equal((0.9, 0.999), adam.Betas);
        Assert.Equal(0.001, adam.ParamGroups.Single().LearningRate);
    }

    [Fact]
    public void A_stop_asked_for_by_a_callback_ends_training_as_a_normal_completion()
    {
        manual_seed(6);
        var (data, _) = Separable(320);
        using var _d = data;
        using var model = NewLeNet();
        var trainer = NewTrainer(model, data, epochs: 10, batchSize: 16, callbacks: new AfterEachEpoch(t => t.ShouldStop = t.History.Count == 3));
        var result = trainer.Fit(TestContext.Current.CancellationToken);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.True(result.StoppedEarly);
        Assert.Equal([0, 1, 2], result.History.Select(h => h.Epoch));
    }

    [Fact]
    public void Early_stopping_ends_training_after_patience_epochs_without_a_higher_validation_accuracy()
    {
        // The separable fixture reaches validation accuracy 1.0 early; after that nothing can improve it.
        manual_seed(1);
        var (data, _) = Separable(640);
        using var _d = data;
        using var model = NewLeNet();
        var stopping = new EarlyStopping(patience: 2);
        var trainer = NewTrainer(model, data, epochs: 30, batchSize: 16, lr: 0.01, callbacks: stopping);
        var result = trainer.Fit(TestContext.Current.CancellationToken);

        var firstBest = result.History.MaxBy(h => h.ValAcc)!.Epoch;
        Assert.True(result.StoppedEarly);
        Assert.Equal(firstBest + 2, stopping.StoppedAfterEpoch);
        Assert.Equal(firstBest + 3, result.History.Count);
    }

    [Fact]
    public void History_records_the_learning_rate_the_optimizer_used_in_each_epoch()
    {
        manual_seed(7);
        var (data, _) = Separable(160);
        using var _d = data;
        using var model = NewLeNet();
        var halve = new AfterEachEpoch(t => t.Optimizer.ParamGroups.Single().LearningRate /= 2);
        var trainer = NewTrainer(model, data, epochs: 3, batchSize: 16, lr: 0.004, callbacks: halve);
        var result = trainer.Fit(TestContext.Current.CancellationToken);

        Assert.Equal([0.004, 0.002, 0.001], result.History.Select(h => h.LearningRate));
    }

    /// <summary>A callback made of one action after each epoch.</summary>
    private sealed class AfterEachEpoch(Action<Trainer> action) : TrainerCallback
    {
        public override void OnEpochEnd(Trainer trainer, EpochRecord record) => action(trainer);
    }
}
