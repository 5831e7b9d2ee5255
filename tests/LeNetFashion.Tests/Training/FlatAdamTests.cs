using LeNetFashion.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Training;

[Collection("Torch")]
public sealed class FlatAdamTests
{
    /// <summary>Trains two identical LeNets on the same random batches, one with TorchSharp's Adam and one with the flat Adam.</summary>
    private static (float[] Stock, float[] Flat) TrainBoth(double weightDecay, int steps, Action<TorchSharp.Modules.OptimizerHelper, TorchSharp.Modules.OptimizerHelper, int>? between = null, int side = 28)
    {
        manual_seed(11);
        var spec = ModelSpec.FashionMnist with { Height = side, Width = side };
        using var stockModel = new LeNet(spec);
        using var flatModel = new LeNet(spec);
        flatModel.load_state_dict(stockModel.state_dict());
        using var stock = optim.Adam(stockModel.parameters(), lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: weightDecay);
        using var flat = new LeNetFashion.Training.Flat.Adam(flatModel.parameters(), 0.01, 0.9, 0.999, 1e-8, weightDecay);
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var x = rand(32, 1, side, side);
            var y = randint(0, 10, [32]);
            foreach (var (model, opt) in new (nn.Module<Tensor, Tensor>, TorchSharp.Modules.OptimizerHelper)[] { (stockModel, stock), (flatModel, flat) })
            {
                opt.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                loss.backward();
                opt.step();
            }

            between?.Invoke(stock, flat, i);
        }

        return (Flatten(stockModel), Flatten(flatModel));
    }

    private static float[] Flatten(nn.Module<Tensor, Tensor> model) =>
        model.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Parameters_after_60_steps_are_bitwise_torchsharps(double weightDecay)
    {
        var (stock, flat) = TrainBoth(weightDecay, 60);
        Assert.Equal(44_426, flat.Length);
        Assert.Equal(stock.Select(BitConverter.SingleToInt32Bits), flat.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// Over <see cref="LeNetFashion.Training.Flat.Adam.SingleThreadMaxElements"/> parameters (LeNet built for 64 × 64
    /// pictures: 339,106) the step runs LibTorch's operations on all threads, the path CUDA takes too.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Above_the_single_thread_size_the_libtorch_path_is_bitwise_torchsharps_too(double weightDecay)
    {
        var (stock, flat) = TrainBoth(weightDecay, 12, side: 64);
        Assert.True(flat.Length > LeNetFashion.Training.Flat.Adam.SingleThreadMaxElements, $"{flat.Length} parameters");
        Assert.Equal(stock.Select(BitConverter.SingleToInt32Bits), flat.Select(BitConverter.SingleToInt32Bits));
        Assert.NotEqual(stock, TrainBoth(weightDecay, 11, side: 64).Stock);
    }

    [Fact]
    public void A_learning_rate_set_by_a_scheduler_is_used_and_state_saved_mid_run_loads_into_torchsharps_adam()
    {
        var dir = Directory.CreateTempSubdirectory("flat-adam-").FullName;
        try
        {
            var (stock, flat) = TrainBoth(0, 20, (s, f, i) =>
            {
                if (i == 9)
                {
                    // Swap states through files: each optimizer continues from the other's saved state.
                    s.save_state_dict(Path.Combine(dir, "stock.dat"));
                    f.save_state_dict(Path.Combine(dir, "flat.dat"));
                    s.load_state_dict(Path.Combine(dir, "flat.dat"));
                    f.load_state_dict(Path.Combine(dir, "stock.dat"));
                    foreach (var o in new[] { s, f })
                    {
                        o.ParamGroups.First().LearningRate = 0.003;
                    }
                }
            });
            Assert.Equal(stock.Select(BitConverter.SingleToInt32Bits), flat.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "stock.dat")).Length, File.ReadAllBytes(Path.Combine(dir, "flat.dat")).Length);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
