using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

// Experiment: LeNet's classifier (3 linear layers, batch 64) forward and backward on one LibTorch thread, the
// convolution block on two; an identity autograd function switches back to two threads when the gradient reaches it.
internal sealed class BackToTwoThreads : SingleTensorFunction<BackToTwoThreads>
{
    public override string Name => nameof(BackToTwoThreads);

    public override Tensor forward(AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).clone();

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        set_num_threads(2);
        return [grad_output.clone()];
    }
}

internal static class Switch
{
    public static void Run()
    {
        var set = LeNetFashion.Data.FashionMnist.Load(LeNetFashion.Data.DataLocator.Resolve(null), LeNetFashion.Data.DatasetPart.Train, 64 * 200);
        using var data = LeNetFashion.Data.TensorData.FromDataset(set);
        var hashes = new Dictionary<bool, string>();
        var times = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        for (var round = 0; round < 6; round++)
        {
            foreach (var sw1 in new[] { false, true })
            {
                manual_seed(0);
                using var model = new LeNetFashion.Models.LeNet();
                var children = model.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
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
                        var input = LeNetFashion.Models.Preprocessing.ToTensor.ToInput(x);
                        var features = children[0].forward(input);
                        var flat = features.view(64, -1);
                        if (sw1)
                        {
                            set_num_threads(1);
                            flat = BackToTwoThreads.apply(flat);
                        }

                        var logits = children[1].forward(flat);
                        var l = nn.functional.cross_entropy(logits, y);
                        l.backward();
                        if (sw1 && get_num_threads() != 2) throw new InvalidOperationException("threads not restored");
                        opt.step();
                        _ = l.item<float>();
                        _ = logits.argmax(1).eq(y).sum().item<long>();
                    }
                }

                times[sw1].Add(watch.Elapsed.TotalMilliseconds / 200);
                var sb = new System.Text.StringBuilder();
                foreach (var p in model.parameters()) sb.Append(string.Join(',', p.data<float>().ToArray().Select(v => BitConverter.SingleToInt32Bits(v))));
                hashes[sw1] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(sb.ToString())))[..16];
            }
        }

        Console.WriteLine($"per batch ms, 2 threads throughout: {string.Join(' ', times[false].Select(t => t.ToString("F3")))}");
        Console.WriteLine($"per batch ms, classifier on 1:     {string.Join(' ', times[true].Select(t => t.ToString("F3")))}");
        var ratios = times[true].Zip(times[false], (a, b) => a / b).Order().ToArray();
        Console.WriteLine($"median ratio {ratios[ratios.Length / 2]:F3}; weights after 400 batches: {hashes[false]} vs {hashes[true]}");
    }
}
