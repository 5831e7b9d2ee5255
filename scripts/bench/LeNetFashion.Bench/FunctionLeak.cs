using TorchSharp;
using static TorchSharp.torch;

// Resident memory of bn-cnn's training step with its three ReLU + max-pooling pairs run as the TorchSharp autograd
// function that was tried and dropped (ChannelsLastMaxPoolFunction), in channels-last memory, batch 128, AdamW:
// RSS, TorchSharp's live tensor count and its count of live custom-function nodes every 25 steps.
//   VARIANT=model (default): the whole network; VARIANT=libtorch: the same network with LibTorch's relu and max_pool2d.
internal static class FunctionLeak
{
    private static int AliveNodes()
    {
        const System.Reflection.BindingFlags flags = System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public;
        var type = typeof(torch).Assembly.GetTypes().First(t => t.GetField("AliveNodes", flags) is not null);
        var nodes = type.GetField("AliveNodes", flags)!.GetValue(null)!;
        return (int)nodes.GetType().GetProperty("Count")!.GetValue(nodes)!;
    }

    public static void Run()
    {
        var managed = (Environment.GetEnvironmentVariable("VARIANT") ?? "model") != "libtorch";
        manual_seed(0);
        var convs = new[] { nn.Conv2d(1, 32, 5, padding: 2, bias: false), nn.Conv2d(32, 64, 3, padding: 1, bias: false), nn.Conv2d(64, 96, 3, padding: 1, bias: false) };
        var norms = new[] { nn.BatchNorm2d(32), nn.BatchNorm2d(64), nn.BatchNorm2d(96) };
        var fc = nn.Linear(864, 10);
        var parameters = convs.SelectMany(c => c.parameters()).Concat(norms.SelectMany(b => b.parameters())).Concat(fc.parameters()).ToList();
        var opt = optim.AdamW(parameters, lr: 0.003);
        var labels = randint(0, 10, [128]);
        for (var step = 0; step < 101; step++)
        {
            using (var scope = NewDisposeScope())
            {
                opt.zero_grad();
                var x = LeNetFashion.Models.Layers.ChannelsLast.From(randn(128, 1, 28, 28));
                for (var block = 0; block < 3; block++)
                {
                    var z = norms[block].call(convs[block].call(x));
                    x = managed ? ChannelsLastMaxPoolFunction.apply(z, true) : nn.functional.max_pool2d(nn.functional.relu(z), 2, 2);
                }

                var loss = nn.functional.cross_entropy(fc.call(x.contiguous().flatten(1)), labels);
                loss.backward();
                opt.step();
            }

            if (step % 25 == 0)
            {
                var stats = DisposeScopeManager.Statistics.TensorStatistics;
                Console.WriteLine($"step {step}: {File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmRSS", StringComparison.Ordinal))}, live tensors {stats.ThreadTotalLiveCount}, live function nodes {AliveNodes()}");
            }
        }
    }
}
