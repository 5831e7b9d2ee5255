using System.Diagnostics;
using LeNetFashion.Data;
using LeNetFashion.Models;
using TorchSharp;
using static TorchSharp.torch;

// Usage: dotnet run -c Release --project scripts/bench/LeNetFashion.Bench -- [threads=2] [mode]
//   (no mode)  where one training batch spends its time (forward, loss, backward, Adam step, metrics), batch 64,
//              200 batches of the real data, third pass reported;
//   layers     forward time of each layer of LeNet's conv block on a batch of 64 (LibTorch's max pooling);
//   prefix     forward + backward through LeNet's first k layers, k = 0..11: each layer's share of a step;
//   ops        forward and forward + backward of each convolution and linear layer at batch 64;
//   forward    LeNet's forward with and without autograd, and the pooling layer's training path;
//   conv1      the first convolution by oneDNN against unfold + matmul;
//   nomkldnn   both convolutions by oneDNN against LibTorch's own (im2col + GEMM);
//   mkl        which classifier operations give other bits on 1 LibTorch thread than on 2;
//   switch     the classifier on 1 thread and the convolutions on 2, against 2 throughout (time and weights);
//   adamops    which float expression each of LibTorch's Adam operations computes (fused multiply-add or not);
//   function   what a TorchSharp custom autograd function costs over the native operation it wraps;
//   bncnn-layout  bn-cnn's training step (batch 128, AdamW) in NCHW memory (managed or LibTorch pooling) and in
//              channels-last memory (weights and input, or the input only), alternating rounds (ROUNDS=4);
//   function-leak  resident memory of bn-cnn's step with ReLU + pooling as the dropped TorchSharp autograd function
//              (VARIANT=libtorch: LibTorch's relu and max_pool2d instead).
//   bncnn-variants  bn-cnn's training step in channels-last memory with each block's ReLU before or after its pooling,
//              in place or not, alternating rounds (ROUNDS=4), with a check that the weights agree.
//   kernels    LeNet's training step with the managed kernels against LibTorch's, alternating rounds in one process
//              (ROUNDS=6; KERNEL_MODE=maxpool or adam for one path alone), with the weights' hashes.
LeNetFashion.Runtime.NativeAllocator.Tune();
var threads = args.Length > 0 ? int.Parse(args[0]) : 2;
torch.set_num_threads(threads);
var modes = new Dictionary<string, Action>
{
    ["layers"] = Layers.Run, ["prefix"] = Prefix.Run, ["ops"] = Ops.Run, ["forward"] = ForwardModes.Run,
    ["conv1"] = Conv1Alternatives.Run, ["nomkldnn"] = NoMkldnn.Run, ["mkl"] = Mkl.Run, ["switch"] = Switch.Run,
    ["adamops"] = AdamOps.Run, ["function"] = FunctionCost.Run, ["bncnn-layout"] = BnCnnLayout.Run, ["function-leak"] = FunctionLeak.Run, ["bncnn-variants"] = BnCnnVariants.Run,
    ["kernels"] = KernelModes.Run,
};
if (args.Length > 1)
{
    if (!modes.TryGetValue(args[1], out var mode))
    {
        Console.Error.WriteLine($"unknown mode '{args[1]}'; expected one of {string.Join(", ", modes.Keys)}");
        Environment.Exit(2);
    }

    mode();
    return;
}

manual_seed(0);
var set = FashionMnist.Load(DataLocator.Resolve(null), DatasetPart.Train, 64 * 200);
using var data = TensorData.FromDataset(set);
using var model = new LeNet();
var opt = LeNetFashion.Training.Optimizers.Create(LeNetFashion.Training.Optimizers.Adam, model.parameters(), new LeNetFashion.Training.OptimizerSettings(0.001));
double fwd = 0, loss = 0, bwd = 0, step = 0, item = 0;
var sw = new Stopwatch();
for (var rep = 0; rep < 3; rep++)
{
    fwd = loss = bwd = step = item = 0;
    for (var b = 0; b < 200; b++)
    {
        using var scope = NewDisposeScope();
        var (x, y) = data.Slice(b * 64, 64);
        sw.Restart();
        opt.zero_grad();
        var logits = model.forward(LeNetFashion.Models.Preprocessing.ToTensor.ToInput(x));
        fwd += sw.Elapsed.TotalMilliseconds; sw.Restart();
        var l = nn.functional.cross_entropy(logits, y);
        loss += sw.Elapsed.TotalMilliseconds; sw.Restart();
        l.backward();
        bwd += sw.Elapsed.TotalMilliseconds; sw.Restart();
        opt.step();
        step += sw.Elapsed.TotalMilliseconds; sw.Restart();
        _ = l.item<float>();
        _ = logits.argmax(1).eq(y).sum().item<long>();
        item += sw.Elapsed.TotalMilliseconds;
    }
}

Console.WriteLine($"threads {threads}, per batch (ms): forward {fwd / 200:F3}, loss {loss / 200:F3}, backward {bwd / 200:F3}, Adam step {step / 200:F3}, metrics {item / 200:F3}, total {(fwd + loss + bwd + step + item) / 200:F3}");
