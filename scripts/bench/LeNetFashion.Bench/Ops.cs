using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

// Forward and forward + backward time of LeNet's convolution and linear layers on their real batch-64 shapes,
// with a contiguous upstream gradient, at the thread count given on the command line.
internal static class Ops
{
    public static void Run()
    {
        manual_seed(0);
        var cases = new (string Name, nn.Module<Tensor, Tensor> Layer, long[] Shape, bool InputGrad)[]
        {
            ("conv1 1->6", nn.Conv2d(1, 6, 5), [64, 1, 28, 28], false),
            ("conv2 6->16", nn.Conv2d(6, 16, 5), [64, 6, 12, 12], true),
            ("fc1 256->120", nn.Linear(256, 120), [64, 256], true),
            ("fc2 120->84", nn.Linear(120, 84), [64, 120], true),
            ("fc3 84->10", nn.Linear(84, 10), [64, 84], true),
        };
        foreach (var (name, layer, shape, inputGrad) in cases)
        {
            var x = rand(shape).requires_grad_(inputGrad);
            Tensor grad;
            using (no_grad())
            {
                grad = rand_like(layer.forward(x));
            }

            double Time(Action a)
            {
                for (var i = 0; i < 50; i++) a();
                var t = Enumerable.Range(0, 300).Select(_ => { var sw = Stopwatch.StartNew(); a(); return sw.Elapsed.TotalMicroseconds; }).Order().ToArray();
                return t[t.Length / 2];
            }

            var fwd = Time(() => { using var scope = NewDisposeScope(); using var g = no_grad(); layer.forward(x); });
            var both = Time(() =>
            {
                using var scope = NewDisposeScope();
                layer.zero_grad();
                var y = layer.forward(x);
                autograd.backward([y], [grad]);
            });
            Console.WriteLine($"{name,-13} forward {fwd,6:F0} us   forward + backward {both,6:F0} us");
        }
    }
}

internal static class Conv1Alternatives
{
    public static void Run()
    {
        manual_seed(0);
        var conv = nn.Conv2d(1, 6, 5);
        var x = rand(64, 1, 28, 28);
        var w = conv.weight!.detach().view(6, 25).requires_grad_(true);
        var bias = conv.bias!.detach().view(1, 6, 1).requires_grad_(true);
        Tensor grad;
        using (no_grad()) grad = rand(64, 6, 24, 24);
        double Time(Action a)
        {
            for (var i = 0; i < 50; i++) a();
            var t = Enumerable.Range(0, 300).Select(_ => { var sw = Stopwatch.StartNew(); a(); return sw.Elapsed.TotalMicroseconds; }).Order().ToArray();
            return t[t.Length / 2];
        }

        var native = Time(() => { using var s = NewDisposeScope(); conv.zero_grad(); autograd.backward([conv.forward(x)], [grad]); });
        var unfold = Time(() =>
        {
            using var s = NewDisposeScope();
            var cols = nn.functional.unfold(x, 5); // [64, 25, 576]
            var y = w.matmul(cols).add(bias);      // [64, 6, 576]
            autograd.backward([y], [grad.view(64, 6, 576)]);
            w.grad!.zero_(); bias.grad!.zero_();
        });
        var unfoldOnly = Time(() => { using var s = NewDisposeScope(); nn.functional.unfold(x, 5); });
        Console.WriteLine($"conv1 fwd+bwd: oneDNN {native:F0} us, unfold+matmul {unfold:F0} us (unfold alone {unfoldOnly:F0} us)");
        using (no_grad())
        {
            var a = conv.forward(x).view(64, 6, 576);
            var b = w.matmul(nn.functional.unfold(x, 5)).add(bias);
            Console.WriteLine($"max |diff| {a.sub(b).abs().max().item<float>():E2}");
        }
    }
}

internal static class ForwardModes
{
    public static void Run()
    {
        manual_seed(0);
        using var model = new LeNetFashion.Models.LeNet();
        var x = rand(64, 1, 28, 28);
        var z = rand(64, 6, 24, 24).requires_grad_(true);
        var pool = new LeNetFashion.Models.Layers.MaxPool2d();
        double Time(Action a)
        {
            for (var i = 0; i < 50; i++) a();
            var t = Enumerable.Range(0, 400).Select(_ => { var sw = Stopwatch.StartNew(); a(); return sw.Elapsed.TotalMicroseconds; }).Order().ToArray();
            return t[t.Length / 2];
        }

        var withGrad = Time(() => { using var s = NewDisposeScope(); model.forward(x); });
        var noGrad = Time(() => { using var s = NewDisposeScope(); using var g = no_grad(); model.forward(x); });
        var poolGrad = Time(() => { using var s = NewDisposeScope(); pool.forward(z); });
        var poolNoGrad = Time(() => { using var s = NewDisposeScope(); using var g = no_grad(); pool.forward(z); });
        var empty = Time(() => { using var s = NewDisposeScope(); torch.empty(64, 6, 144, dtype: ScalarType.Int64); });
        var gather = Time(() => { using var s = NewDisposeScope(); using var g = no_grad(); z.view(64, 6, 576).gather(2, zeros(64, 6, 144, dtype: ScalarType.Int64)); });
        Console.WriteLine($"model forward: with grad {withGrad:F0} us, no grad {noGrad:F0} us; pool 64x6x24x24: with grad {poolGrad:F0} us, no grad {poolNoGrad:F0} us; empty int64 index {empty:F0} us; zeros+gather {gather:F0} us");
    }
}
