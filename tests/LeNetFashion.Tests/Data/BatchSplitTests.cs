using LeNetFashion.Data;
using Xunit;

namespace LeNetFashion.Tests.Data;

public sealed class BatchSplitTests
{
    [Theory]
    [InlineData(60000, 64, 0.8, 938, 750, 48000, 12000)] // the tutorial: last batch has 32 images
    [InlineData(6400, 64, 0.8, 100, 80, 5120, 1280)]
    [InlineData(100, 10, 0.5, 10, 5, 50, 50)]
    [InlineData(101, 10, 0.5, 11, 6, 60, 41)] // round(5.5) = 6 (halves to even), partial last batch of 1
    [InlineData(105, 10, 0.5, 11, 6, 60, 45)]
    [InlineData(25, 10, 0.5, 3, 2, 20, 5)] // round(1.5) = 2
    [InlineData(45, 10, 0.5, 5, 2, 20, 25)] // round(2.5) = 2
    [InlineData(10, 3, 0.7, 4, 3, 9, 1)] // round(2.8) = 3, validation is the partial batch of 1
    public void Split_gives_the_expected_batch_and_sample_counts(
        int samples, int batchSize, double rate, int batches, int trainBatches, int trainSamples, int valSamples)
    {
        var s = BatchSplit.Create(samples, batchSize, rate);
        Assert.Equal(batches, s.BatchCount);
        Assert.Equal(trainBatches, s.TrainBatches);
        Assert.Equal(batches - trainBatches, s.ValidationBatches);
        Assert.Equal(trainSamples, s.TrainSamples);
        Assert.Equal(valSamples, s.ValidationSamples);
        Assert.Equal(trainSamples, s.ValidationStart);
        Assert.Equal(samples, Enumerable.Range(0, s.BatchCount).Sum(b => s.Batch(b).Length));
    }

    [Fact]
    public void The_tutorials_last_batch_is_partial_and_validates()
    {
        var s = BatchSplit.Create(60000, 64, 0.8);
        Assert.Equal((59968, 32), s.Batch(937));
        Assert.Equal((48000, 64), s.Batch(750));
    }

    [Fact]
    public void A_train_rate_that_leaves_no_validation_batch_is_refused()
    {
        var e = Assert.Throws<UsageException>(() => BatchSplit.Create(640, 64, 0.96));
        Assert.Equal(
            "--train-rate 0.96 leaves no validation batch: round(10 batches × 0.96) = 10 of 10; use a smaller train rate, more data or a smaller batch size",
            e.Message);
    }

    [Fact]
    public void A_train_rate_that_leaves_no_training_batch_is_refused()
    {
        var e = Assert.Throws<UsageException>(() => BatchSplit.Create(64, 64, 0.4));
        Assert.StartsWith("--train-rate 0.4 leaves no training batch", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void A_train_rate_outside_0_1_is_refused(double rate)
    {
        var e = Assert.Throws<UsageException>(() => BatchSplit.Create(100, 10, rate));
        Assert.Contains("expected a number strictly between 0 and 1", e.Message);
    }
}
