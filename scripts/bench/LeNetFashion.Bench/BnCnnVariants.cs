using System.Diagnostics;
using LeNetFashion.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

// bn-cnn training step (batch 128, AdamW 0.003, 60 batches of real data, channels-last input, second pass timed) with
// the order and in-place form of each block's ReLU varied, alternating rounds in one process (ROUNDS, default 4):
// base (BN, ReLU, pool: the tool's), relu-ip (BN, in-place ReLU, pool), pool-relu (BN, pool, ReLU), pool-relu-ip
// (BN, pool, in-place ReLU). Prints milliseconds per batch per round, the median per-round ratio to base, and whether
// the final weights equal base's bit for bit.
internal static class BnCnnVariants
{
    private static TorchSharp.Modules.Sequential Features(int v)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        (int In, int Out, int K, int P)[] blocks = [(1, 32, 5, 2), (32, 64, 3, 1), (64, 96, 3, 1)];
        foreach (var (i, o, k, p) in blocks)
        {
            layers.Add(($"{layers.Count}", Conv2d(i, o, k, padding: p, bias: false)));
            layers.Add(($"{layers.Count}", BatchNorm2d(o)));
            var relu = ReLU(inplace: v is 1 or 3);
            if (v >= 2)
            {
                layers.Add(($"{layers.Count}", new LeNetFashion.Models.Layers.MaxPool2d()));
                layers.Add(($"{layers.Count}", relu));
            }
            else
            {
                layers.Add(($"{layers.Count}", relu));
                layers.Add(($"{layers.Count}", new LeNetFashion.Models.Layers.MaxPool2d()));
            }
        }
        return Sequential(layers);
    }

    public static void Run()
    {
        const int batch = 128, batches = 60;
        var set = LeNetFashion.Data.FashionMnist.Load(LeNetFashion.Data.DataLocator.Resolve(null), LeNetFashion.Data.DatasetPart.Train, batch * batches);
        using var data = LeNetFashion.Data.TensorData.FromDataset(set);
        string[] names = ["base", "relu-ip", "pool-relu", "pool-relu-ip"];
        var sums = new double[names.Length];
        var times = Rounds.Alternate(names.Length, (round, v) =>
        {
            LeNetFashion.Runtime.Kernels.Set("libtorch");
            manual_seed(0);
            var features = Features(v);
            var head = Sequential(Dropout(0.3), Linear(864, 10));
            features.train();
            head.train();
            var opt = optim.AdamW(features.parameters().Concat(head.parameters()), lr: 0.003);
            var watch = new Stopwatch();
            for (var rep = 0; rep < 2; rep++)
            {
                watch.Restart();
                for (var b = 0; b < batches; b++)
                {
                    using var scope = NewDisposeScope();
                    var (x, y) = data.Slice(b * batch, batch);
                    var input = LeNetFashion.Models.Layers.ChannelsLast.From(Preprocessing.ToTensor.ToInput(x));
                    opt.zero_grad();
                    var f = features.forward(input);
                    var l = functional.cross_entropy(head.forward(f.reshape(batch, -1)), y);
                    l.backward();
                    opt.step();
                    _ = l.item<float>();
                }
            }
            using (no_grad())
            {
                sums[v] = features.parameters().Concat(head.parameters()).Sum(p => p.to(float64).abs().sum().item<double>());
            }
            features.Dispose();
            head.Dispose();
            return watch.Elapsed.TotalMilliseconds / batches;
        });
        Rounds.Report(names, times, v => $"  |w| sum {sums[v]:R}");
    }
}
