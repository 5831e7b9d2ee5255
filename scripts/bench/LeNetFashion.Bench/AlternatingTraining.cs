using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

// Two training variants in alternating rounds inside one process: 200 batches of 64 real images twice per round
// (the second pass timed), Adam 0.001 from seed 0, then each variant's milliseconds per batch, the median of the
// per-round ratios, and a hash of the final weights (equal hashes = bitwise the same training).
internal static class AlternatingTraining
{
    /// <param name="names">The two variants' names.</param>
    /// <param name="create">Creates variant 0 or 1's model (after manual_seed(0)).</param>
    /// <param name="logits">Maps (variant, model, input [64, 1, 28, 28] float32) to logits; may switch threads.</param>
    /// <param name="afterBackward">Optional check after each backward pass.</param>
    public static void Run(int rounds, string[] names, Func<int, nn.Module<Tensor, Tensor>> create, Func<int, nn.Module<Tensor, Tensor>, Tensor, Tensor> logits, Action<int>? afterBackward = null)
    {
        var set = LeNetFashion.Data.FashionMnist.Load(LeNetFashion.Data.DataLocator.Resolve(null), LeNetFashion.Data.DatasetPart.Train, 64 * 200);
        using var data = LeNetFashion.Data.TensorData.FromDataset(set);
        var times = new[] { new List<double>(), new List<double>() };
        var hashes = new string[2];
        for (var round = 0; round < rounds; round++)
        {
            foreach (var v in round % 2 == 0 ? new[] { 0, 1 } : [1, 0])
            {
                manual_seed(0);
                using var model = create(v);
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
                        var l = nn.functional.cross_entropy(logits(v, model, LeNetFashion.Models.Preprocessing.ToTensor.ToInput(x)), y);
                        l.backward();
                        afterBackward?.Invoke(v);
                        opt.step();
                        _ = l.item<float>();
                    }
                }

                times[v].Add(watch.Elapsed.TotalMilliseconds / 200);
                hashes[v] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
                    System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray().AsSpan())))[..16];
            }
        }

        for (var v = 0; v < 2; v++)
        {
            Console.WriteLine($"per batch ms, {names[v] + ":",-24} {string.Join(' ', times[v].Select(t => t.ToString("F3")))}");
        }

        var ratios = times[1].Zip(times[0], (a, b) => a / b).Order().ToArray();
        Console.WriteLine($"median ratio {names[1]} / {names[0]}: {ratios[ratios.Length / 2]:F3}; weights after 400 batches: {hashes[0]} vs {hashes[1]}");
    }
}
