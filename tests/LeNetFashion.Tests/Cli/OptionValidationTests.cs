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
    [InlineData("--threads", "0", "--threads 0: expected an integer from 1 to ")]
    [InlineData("--threads", "100000", "--threads 100000: expected an integer from 1 to ")] // 100,000 OpenMP threads exhausted the machine's processes
    [InlineData("--limit", "0", "--limit 0: expected an integer of at least 1")]
    [InlineData("--lr", "0", "--lr 0: expected a positive finite number such as 0.001")]
    [InlineData("--lr", "NaN", "--lr NaN: expected a positive finite number such as 0.001")]
    [InlineData("--train-rate", "1", "--train-rate 1: expected a number strictly between 0 and 1, such as 0.8")]
    [InlineData("--train-rate", "0", "--train-rate 0: expected a number strictly between 0 and 1, such as 0.8")]
    [InlineData("--epochs", "abc", "error: --epochs abc: expected a whole number")] // not the parser's "Cannot parse argument … System.Int32"
    [InlineData("--seed", "x", "error: --seed x: expected a whole number")]
    [InlineData("--limit", "3.5", "error: --limit 3.5: expected a whole number")]
    public void Invalid_train_values_are_refused_at_parse_time(string option, string value, string message)
    {
        var (code, error) = Run("train", option, value);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("train", "--device", "tpu", "--device tpu: expected one of auto, cpu, cuda")]
    [InlineData("train", "--arch", "lenett", "--arch lenett: expected one of lenet, lenet5, bn-cnn")]
    [InlineData("train", "--optimizer", "rmsprop", "--optimizer rmsprop: expected one of adam, adamw, sgd")]
    [InlineData("train", "--lr-schedule", "exp", "--lr-schedule exp: expected one of none, step, cosine")]
    [InlineData("train", "--dataset", "cifar", "--dataset cifar: expected one of fashion-mnist, mnist, folder")]
    public void An_unknown_choice_is_refused_with_one_line_naming_the_option_and_the_choices(string verb, string option, string value, string message)
    {
        var (code, error) = Run(verb, option, value);
        Assert.Equal(1, code);
        Assert.Equal("error: " + message, error.Trim());
    }

    [Theory]
    [InlineData("--step-size 3", "error: --step-size: only the step schedule uses it; add --lr-schedule step")]
    [InlineData("--gamma 0.5 --lr-schedule cosine", "error: --gamma: only the step schedule uses it; add --lr-schedule step")]
    [InlineData("--step-size 3 --gamma 0.5", "error: --step-size and --gamma: only the step schedule uses them; add --lr-schedule step")]
    public void Step_schedule_parameters_without_the_step_schedule_are_refused(string options, string message)
    {
        var (code, error) = Run(["train", .. options.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Equal(message, error.Trim());
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
