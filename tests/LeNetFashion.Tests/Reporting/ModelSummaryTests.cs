using LeNetFashion.Models;
using LeNetFashion.Reporting;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Reporting;

/// <summary>
/// The summary of the tutorial's LeNet. Expected rows: torchsummary 1.5's output for the PyTorch LeNet
/// (columns Layer, Output Shape, Param #); mult-adds by hand, torchinfo's convention:
/// conv = output elements per image × in_channels × kernel_h × kernel_w, linear = in × out.
/// </summary>
[Collection("Torch")]
public sealed class ModelSummaryTests
{
    private static readonly SummaryRow[] ExpectedLenetRows =
    [
        new("Conv2d-1", "Conv2d", [-1, 6, 24, 24], 156, true, 86_400),
        new("Sigmoid-2", "Sigmoid", [-1, 6, 24, 24], 0, false, 0),
        new("MaxPool2d-3", "MaxPool2d", [-1, 6, 12, 12], 0, false, 0),
        new("Conv2d-4", "Conv2d", [-1, 16, 8, 8], 2_416, true, 153_600),
        new("Sigmoid-5", "Sigmoid", [-1, 16, 8, 8], 0, false, 0),
        new("MaxPool2d-6", "MaxPool2d", [-1, 16, 4, 4], 0, false, 0),
        new("Linear-7", "Linear", [-1, 120], 30_840, true, 30_720),
        new("Sigmoid-8", "Sigmoid", [-1, 120], 0, false, 0),
        new("Linear-9", "Linear", [-1, 84], 10_164, true, 10_080),
        new("Sigmoid-10", "Sigmoid", [-1, 84], 0, false, 0),
        new("Linear-11", "Linear", [-1, 10], 850, true, 840),
    ];

    [Fact]
    public void Lenet_summary_matches_the_approved_torchsummary_table()
    {
        using var model = Architectures.LeNet.Create();

        var text = ModelSummary.Compute(model, Architectures.LeNet.InputShape).ToText();

        var approved = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Approved", "summarize-lenet.approved.txt"));
        Assert.Equal(approved.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Lenet_summary_total_params_equal_the_modules_parameter_count()
    {
        using var model = Architectures.LeNet.Create();
        var fromModule = model.parameters().Sum(parameter => parameter.numel());

        var summary = ModelSummary.Compute(model, Architectures.LeNet.InputShape);

        Assert.Equal(44_426, fromModule);
        Assert.Equal(fromModule, summary.TotalParameters);
        Assert.Equal(fromModule, summary.TrainableParameters);
        Assert.Equal(0, summary.NonTrainableParameters);
    }

    [Fact]
    public void Lenet_summary_rows_list_each_layer_call_with_its_shape_params_and_mult_adds()
    {
        using var model = Architectures.LeNet.Create();

        var summary = ModelSummary.Compute(model, Architectures.LeNet.InputShape);

        Assert.Equal(ExpectedLenetRows.Length, summary.Rows.Count);
        foreach (var (expected, actual) in ExpectedLenetRows.Zip(summary.Rows))
        {
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.OutputShape, actual.OutputShape);
            Assert.Equal(expected.Parameters, actual.Parameters);
            Assert.Equal(expected.Trainable, actual.Trainable);
            Assert.Equal(expected.MultAdds, actual.MultAdds);
        }
    }

    [Fact]
    public void Lenet_summary_counts_281640_mult_adds_per_image()
    {
        using var model = Architectures.LeNet.Create();

        var summary = ModelSummary.Compute(model, Architectures.LeNet.InputShape);

        Assert.Equal(86_400 + 153_600 + 30_720 + 10_080 + 840, summary.TotalMultAdds);
        Assert.Equal(281_640, summary.TotalMultAdds);
    }

    [Fact]
    public void Lenet_summary_sizes_follow_torchsummarys_formulas()
    {
        using var model = Architectures.LeNet.Create();

        var summary = ModelSummary.Compute(model, Architectures.LeNet.InputShape);

        const double megabyte = 1024.0 * 1024.0;
        Assert.Equal(784 * 4 / megabyte, summary.InputSizeMegabytes, 1e-12);
        Assert.Equal(2 * 10_498 * 4 / megabyte, summary.ForwardBackwardPassSizeMegabytes, 1e-12);
        Assert.Equal(44_426 * 4 / megabyte, summary.ParametersSizeMegabytes, 1e-12);
        Assert.Equal(
            summary.InputSizeMegabytes + summary.ForwardBackwardPassSizeMegabytes + summary.ParametersSizeMegabytes,
            summary.EstimatedTotalSizeMegabytes,
            1e-12);
    }

    [Fact]
    public void Summary_removes_its_hooks_and_restores_training_mode()
    {
        using var model = Architectures.LeNet.Create();
        model.train();

        ModelSummary.Compute(model, Architectures.LeNet.InputShape);
        var again = ModelSummary.Compute(model, Architectures.LeNet.InputShape);

        Assert.Equal(11, again.Rows.Count);
        Assert.True(model.training);
        Assert.All(model.modules(), module => Assert.True(module.training));
    }

    [Fact]
    public void Summary_of_a_model_in_eval_mode_leaves_it_in_eval_mode()
    {
        using var model = Architectures.LeNet.Create();
        model.eval();

        ModelSummary.Compute(model, Architectures.LeNet.InputShape);

        Assert.False(model.training);
        Assert.All(model.modules(), module => Assert.False(module.training));
    }

    [Fact]
    public void Summary_of_a_sequential_with_flatten_and_a_frozen_layer_counts_it_as_non_trainable()
    {
        using var model = nn.Sequential(nn.Conv2d(3, 8, 3, groups: 1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 6 * 6, 4));
        foreach (var parameter in model.parameters().Take(2))
        {
            parameter.requires_grad = false;
        }

        var summary = ModelSummary.Compute(model, [3, 8, 8]);

        Assert.Equal(["Conv2d-1", "ReLU-2", "Flatten-3", "Linear-4"], summary.Rows.Select(row => row.Name));
        Assert.Equal([-1L, 288], summary.Rows[2].OutputShape);
        Assert.Equal(8 * 3 * 3 * 3 + 8, summary.NonTrainableParameters);
        Assert.Equal((8 * 6 * 6 * 27) + (288 * 4), summary.TotalMultAdds);
    }

    [Fact]
    public void Summary_rejects_an_input_size_with_a_zero_dimension()
    {
        using var model = Architectures.LeNet.Create();

        Assert.Throws<ArgumentException>(() => ModelSummary.Compute(model, [1, 0, 28]));
    }

    [Fact]
    public void Summary_refuses_a_model_whose_layer_with_parameters_is_called_without_hooks()
    {
        using var model = new ForwardBypassingModel();

        var error = Assert.Throws<InvalidOperationException>(() => ModelSummary.Compute(model, [4]));

        Assert.Contains("_linear", error.Message, StringComparison.Ordinal);
    }
}
