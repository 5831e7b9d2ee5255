using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reliability;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Models;

/// <summary>Every registered architecture, in one theory each (after TorchSharp's and ML.NET's tests over registries).</summary>
[Collection("Torch")]
public sealed class ArchitectureRegistryTests : TestBase
{
    /// <summary>
    /// PyTorch's state-dict keys and parameter count of each architecture; a new architecture must be added here.
    /// Compared as sets: TorchSharp lists all parameters before the batch-norm buffers, PyTorch module by module.
    /// </summary>
    private static readonly Dictionary<string, (string[] Keys, long Parameters)> Expected = new()
    {
        ["lenet"] = (["conv.0.weight", "conv.0.bias", "conv.3.weight", "conv.3.bias", "fc.0.weight", "fc.0.bias", "fc.2.weight", "fc.2.bias", "fc.4.weight", "fc.4.bias"], 44_426),
        ["lenet5"] = (["conv.0.weight", "conv.0.bias", "conv.3.weight", "conv.3.bias", "fc.0.weight", "fc.0.bias", "fc.2.weight", "fc.2.bias", "fc.5.weight", "fc.5.bias"], 61_706),
        ["bn-cnn"] = (
            [
                "features.0.weight", "features.1.weight", "features.1.bias", "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
                "features.4.weight", "features.5.weight", "features.5.bias", "features.5.running_mean", "features.5.running_var", "features.5.num_batches_tracked",
                "features.8.weight", "features.9.weight", "features.9.bias", "features.9.running_mean", "features.9.running_var", "features.9.num_batches_tracked",
                "classifier.1.weight", "classifier.1.bias",
            ],
            83_562),
    };

    public static TheoryData<string> Names => [.. Architectures.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_maps_a_batch_of_its_input_shape_to_one_logit_per_class(string name)
    {
        var a = Architectures.Get(name);
        using var model = a.Create();
        model.eval();
        using var x = rand([3, .. a.InputShape]);
        using var logits = model.forward(x);
        Assert.Equal([3L, ModelSpec.FashionMnist.ClassCount], logits.shape);
        Assert.Equal(ScalarType.Float32, logits.dtype);
    }

    /// <summary>Shapes come from the data: three channels, 40 × 36 pixels, 26 classes; the keys stay the same.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Built_for_another_spec_it_takes_that_input_and_gives_one_logit_per_class(string name)
    {
        var a = Architectures.Get(name);
        var spec = new ModelSpec(3, 40, 36, [.. Enumerable.Range(0, 26).Select(i => ((char)('A' + i)).ToString())]);
        using var model = a.Create(spec);
        model.eval();
        using var x = rand(2, 3, 40, 36);
        using var logits = model.forward(x);
        Assert.Equal([2L, 26], logits.shape);
        Assert.Equal(Expected[name].Keys.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Pictures_smaller_than_the_network_can_take_are_one_line(string name)
    {
        var a = Architectures.Get(name);
        var side = a.MinSide - 1;
        using (var smallest = a.Create(ModelSpec.FashionMnist with { Height = a.MinSide, Width = a.MinSide }))
        {
            smallest.eval();
            using var x = rand(1, 1, a.MinSide, a.MinSide);
            using var y = smallest.forward(x);
            Assert.Equal([1L, 10], y.shape);
        }

        var e = Assert.Throws<ArgumentException>(() => a.Create(ModelSpec.FashionMnist with { Height = side, Width = 28 }));
        Assert.Equal($"'{name}' needs pictures of at least {a.MinSide} × {a.MinSide} pixels; the data are {side} × 28", e.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void State_dict_keys_and_parameter_count_are_pytorchs(string name)
    {
        using var model = Architectures.Get(name).Create();
        Assert.True(Expected.ContainsKey(name), $"add the expected state-dict keys of '{name}' to this test");
        Assert.Equal(Expected[name].Keys.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Expected[name].Parameters, model.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_saved_model_loads_back_bitwise_with_its_architecture_and_class_names(string name)
    {
        var a = Architectures.Get(name);
        manual_seed(1);
        using var saved = Classifier.Create(a, ModelSpec.FashionMnist);
        var path = TempFile("model.dat");
        ModelStore.Save(path, saved, new ModelMetadata { Architecture = name, ClassNames = saved.ClassNames, InputShape = a.InputShape });

        var (loaded, metadata) = ModelStore.Load(path);
        using (loaded)
        {
            Assert.Same(a, loaded.Architecture);
            Assert.Equal(FashionMnist.ClassNames, loaded.ClassNames);
            Assert.Equal(a.InputShape, metadata.InputShape);
            Weights.AssertBitwiseEqual(saved, loaded);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_summary_table_counts_every_parameter_and_ends_with_the_class_logits(string name)
    {
        var a = Architectures.Get(name);
        using var model = a.Create();
        var summary = ModelSummary.Compute(model, a.InputShape);
        Assert.Equal(model.parameters().Sum(p => p.numel()), summary.TotalParameters);
        Assert.Equal([-1L, ModelSpec.FashionMnist.ClassCount], summary.Rows[^1].OutputShape);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_list_of_known_ones()
    {
        var e = Assert.Throws<UsageException>(() => Architectures.Get("resnet"));
        Assert.Equal($"unknown architecture 'resnet'; expected one of: {string.Join(", ", Architectures.Names)}", e.Message);
    }
}
