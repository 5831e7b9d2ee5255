using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Cli;

public sealed class OptionValidationTests
{
    private static (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var code = CliApp.Run(args, new StringWriter(), error, TestContext.Current.CancellationToken);
        return (code, error.ToString());
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs 0: expected an integer of at least 1")]
    [InlineData("--batch-size", "-3", "--batch-size -3: expected an integer of at least 1")]
    [InlineData("--threads", "0", "--threads 0: expected an integer of at least 1")]
    [InlineData("--limit", "0", "--limit 0: expected an integer of at least 1")]
    [InlineData("--lr", "0", "--lr 0: expected a positive finite number such as 0.001")]
    [InlineData("--lr", "NaN", "--lr NaN: expected a positive finite number such as 0.001")]
    [InlineData("--train-rate", "1", "--train-rate 1: expected a number strictly between 0 and 1, such as 0.8")]
    [InlineData("--train-rate", "0", "--train-rate 0: expected a number strictly between 0 and 1, such as 0.8")]
    public void Invalid_train_values_are_refused_at_parse_time(string option, string value, string message)
    {
        var (code, error) = Run("train", option, value);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void An_unknown_device_is_refused()
    {
        var (code, error) = Run("train", "--device", "tpu");
        Assert.Equal(1, code);
        Assert.Contains("tpu", error);
        Assert.Contains("auto", error);
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_refused()
    {
        var (code, error) = Run("train", "--epochs", "ten");
        Assert.Equal(1, code);
        Assert.Contains("ten", error);
    }

    [Fact]
    public void A_bad_input_size_is_refused()
    {
        var (code, error) = Run("summarize", "--input-size", "1,28");
        Assert.Equal(1, code);
        Assert.Contains("--input-size 1,28: expected three positive integers C,H,W such as 1,28,28", error);
    }
}
