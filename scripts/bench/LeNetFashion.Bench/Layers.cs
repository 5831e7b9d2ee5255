using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

internal static class Layers
{
    // Forward time of each layer of LeNet on a batch of 64 (no autograd), mean over 300 runs.
    public static void Run()
    {
        var layers = new (string Name, Func<Tensor, Tensor> F)[]
        {
            ("conv1", LayerConv(1, 6)), ("sigmoid", t => t.sigmoid()), ("maxpool", t => nn.functional.max_pool2d(t, 2, 2)),
            ("conv2", LayerConv(6, 16)), ("sigmoid", t => t.sigmoid()), ("maxpool", t => nn.functional.max_pool2d(t, 2, 2)),
        };
        using var noGrad = no_grad();
        var x = rand(64, 1, 28, 28);
        foreach (var (name, f) in layers)
        {
            for (var i = 0; i < 30; i++) f(x).Dispose();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 300; i++) f(x).Dispose();
            Console.WriteLine($"{name,-8} in {string.Join('x', x.shape),-12} {sw.Elapsed.TotalMilliseconds / 300 * 1000,8:F0} us");
            x = f(x);
        }
    }

    private static Func<Tensor, Tensor> LayerConv(int cin, int cout)
    {
        var conv = nn.Conv2d(cin, cout, 5);
        return t => conv.forward(t);
    }
}
