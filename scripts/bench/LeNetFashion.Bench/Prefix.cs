using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

// Cost of each LeNet layer in a training step: forward and backward through the first k layers (loss = sum of squares, so the gradient reaching layer k is contiguous as in training),
// for k = 1..11, with parameters requiring gradients; the difference between k and k - 1 is layer k's share.
internal static class Prefix
{
    public static void Run()
    {
        manual_seed(0);
        using var model = new LeNetFashion.Models.LeNet();
        var layers = model.children().SelectMany(s => s.children()).Cast<nn.Module<Tensor, Tensor>>().ToArray();
        var x = rand(64, 1, 28, 28);
        var previous = 0.0;
        var previousForward = 0.0;
        for (var k = 0; k <= layers.Length; k++)
        {
            double Step() => StepWith(true);
            double Forward() => StepWith(false);
            double StepWith(bool backward)
            {
                using var scope = NewDisposeScope();
                var sw = Stopwatch.StartNew();
                model.zero_grad();
                var t = x;
                for (var i = 0; i < k; i++)
                {
                    t = layers[i].forward(t);
                    if (i == 5) t = t.view(64, -1);
                }

                if (k > 0 && backward) t.square().sum().backward();
                return sw.Elapsed.TotalMilliseconds;
            }

            for (var i = 0; i < 50; i++) Step();
            var times = Enumerable.Range(0, 400).Select(_ => Step()).OrderBy(v => v).ToArray();
            var median = times[times.Length / 2];
            var ftimes = Enumerable.Range(0, 400).Select(_ => Forward()).OrderBy(v => v).ToArray();
            var fmedian = ftimes[ftimes.Length / 2];
            var name = k == 0 ? "zero_grad" : layers[k - 1].GetName();
            Console.WriteLine($"{k,2} {name,-10} step {median * 1000,7:F0} us   layer {(median - previous) * 1000,6:F0} us   forward to here {fmedian * 1000,6:F0} us (layer {(fmedian - previousForward) * 1000,5:F0})");
            previous = median;
            previousForward = fmedian;
        }
    }
}
