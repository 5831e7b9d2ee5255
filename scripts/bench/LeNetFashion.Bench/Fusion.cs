using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

// LeNet's training batch with sigmoid and pooling differentiated in one step (the product's LeNet) against the same
// network with nn.Sigmoid and the pooling layer alone, in alternating rounds of 200 batches; final weights compared.
internal static class Fusion
{
    private sealed class Unfused : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Sequential conv = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Sigmoid(), new LeNetFashion.Models.Layers.MaxPool2d(), nn.Conv2d(6, 16, 5), nn.Sigmoid(), new LeNetFashion.Models.Layers.MaxPool2d());
        private readonly TorchSharp.Modules.Sequential fc = nn.Sequential(nn.Linear(256, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10));

        public Unfused() : base(nameof(Unfused)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using var f = conv.forward(input);
            using var flat = f.view(f.shape[0], -1);
            return fc.forward(flat);
        }
    }

    public static void Run()
    {
        var set = LeNetFashion.Data.FashionMnist.Load(LeNetFashion.Data.DataLocator.Resolve(null), LeNetFashion.Data.DatasetPart.Train, 64 * 200);
        using var data = LeNetFashion.Data.TensorData.FromDataset(set);
        var times = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var hashes = new Dictionary<bool, string>();
        for (var round = 0; round < 8; round++)
        {
            foreach (var fused in new[] { round % 2 == 0, round % 2 != 0 })
            {
                manual_seed(0);
                using nn.Module<Tensor, Tensor> model = fused ? new LeNetFashion.Models.LeNet() : new Unfused();
                var opt = LeNetFashion.Training.Optimizers.Create(LeNetFashion.Training.Optimizers.Adam, model.parameters(), new LeNetFashion.Training.OptimizerSettings(0.001));
                var watch = new Stopwatch();
                for (var rep = 0; rep < 2; rep++)
                {
                    watch.Restart();
                    for (var b = 0; b < 200; b++)
                    {
                        using var scope = NewDisposeScope();
                        var (x, y) = data.Slice(b * 64, 64);
                        opt.zero_grad();
                        var logits = model.forward(LeNetFashion.Models.Preprocessing.ToTensor.ToInput(x));
                        var l = nn.functional.cross_entropy(logits, y);
                        l.backward();
                        opt.step();
                        _ = l.item<float>();
                    }
                }

                times[fused].Add(watch.Elapsed.TotalMilliseconds / 200);
                hashes[fused] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
                    System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray().AsSpan())))[..16];
            }
        }

        Console.WriteLine($"per batch ms, fused:   {string.Join(' ', times[true].Select(t => t.ToString("F3")))}");
        Console.WriteLine($"per batch ms, unfused: {string.Join(' ', times[false].Select(t => t.ToString("F3")))}");
        var ratios = times[true].Zip(times[false], (a, b) => a / b).Order().ToArray();
        Console.WriteLine($"median ratio fused/unfused {ratios[ratios.Length / 2]:F3}; weights after 400 batches: {hashes[true]} vs {hashes[false]}");
    }
}
