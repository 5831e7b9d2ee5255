using System.Diagnostics;
using LeNetFashion.Models;
using TorchSharp;
using static TorchSharp.torch;

// bn-cnn training step (batch 128, AdamW 0.003, 60 batches of real data, second pass timed) in four layouts, alternating
// rounds in one process (ROUNDS, default 4; ONLY=k runs layout k alone, e.g. under perf; SHAPES=1 prints each layer's
// output strides): nchw (contiguous memory, the managed pooling), nchw-lt (LibTorch's pooling), nhwc (channels-last
// memory for the input and the convolution weights, so LibTorch and oneDNN pick their channels-last kernels), nhwc-in
// (the input only: what the tool does, Models/Layers/ChannelsLast.cs). Prints milliseconds per batch per round and the
// median per-round ratio to nchw.
internal static class BnCnnLayout
{
    private static Tensor ChannelsLast(Tensor t) => LeNetFashion.Models.Layers.ChannelsLast.From(t);

    public static void Run()
    {
        const int batch = 128, batches = 60;
        var set = LeNetFashion.Data.FashionMnist.Load(LeNetFashion.Data.DataLocator.Resolve(null), LeNetFashion.Data.DatasetPart.Train, batch * batches);
        using var data = LeNetFashion.Data.TensorData.FromDataset(set);
        string[] names = ["nchw", "nchw-lt", "nhwc", "nhwc-in"];
        var times = Rounds.Alternate(names.Length, (round, v) =>
        {
            LeNetFashion.Runtime.Kernels.Set(v == 0 ? "managed" : "adam");
            manual_seed(0);
            using var model = new BnCnn();
            if (v == 2)
            {
                foreach (var m in ((TwoStageNetwork)model).Stages[0].Stage.children())
                {
                    if (m is TorchSharp.Modules.Conv2d conv)
                    {
                        using var _ = no_grad();
                        conv.weight = new TorchSharp.Modules.Parameter(ChannelsLast(conv.weight!.detach()));
                    }
                }
            }
            model.train();
            var opt = optim.AdamW(model.parameters(), lr: 0.003);
            var watch = new Stopwatch();
            for (var rep = 0; rep < 2; rep++)
            {
                watch.Restart();
                for (var b = 0; b < batches; b++)
                {
                    using var scope = NewDisposeScope();
                    var (x, y) = data.Slice(b * batch, batch);
                    var input = Preprocessing.ToTensor.ToInput(x);
                    if (v >= 2) input = ChannelsLast(input);
                    opt.zero_grad();
                    var net = (TwoStageNetwork)model;
                    var f = net.Stages[0].Stage.forward(input);
                    if (v >= 2) f = f.contiguous();
                    var l = nn.functional.cross_entropy(net.Stages[1].Stage.forward(f.flatten(1)), y);
                    l.backward();
                    opt.step();
                    _ = l.item<float>();
                }
            }
            var ms = watch.Elapsed.TotalMilliseconds / batches;
            if (round == 0 && Environment.GetEnvironmentVariable("SHAPES") == "1")
            {
                using var scope = NewDisposeScope();
                var (x, _) = data.Slice(0, batch);
                var input = Preprocessing.ToTensor.ToInput(x);
                if (v >= 2) input = ChannelsLast(input);
                var h = input;
                foreach (var m in ((TwoStageNetwork)model).Stages[0].Stage.children())
                {
                    h = ((nn.Module<Tensor, Tensor>)m).forward(h);
                    Console.WriteLine($"{names[v]} {m.GetName()} shape [{string.Join(',', h.shape)}] stride [{string.Join(',', h.stride())}]");
                }
            }

            return ms;
        });
        Rounds.Report(names, times);
    }
}
