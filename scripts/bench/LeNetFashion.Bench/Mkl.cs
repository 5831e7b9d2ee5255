using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

// Experiment: which classifier operations give different bits on one LibTorch thread than on two.
internal static class Mkl
{
    [DllImport("torch_cpu", EntryPoint = "mkl_get_max_threads")]
    private static extern int MklGetMaxThreads();

    public static void Run()
    {
        set_num_threads(2);
        Console.WriteLine($"mkl_get_max_threads after set_num_threads(2): {MklGetMaxThreads()}");
        manual_seed(0);
        foreach (var (inF, outF) in new[] { (256, 120), (120, 84), (84, 10) })
        {
        var a = randn(64, inF); var w = randn(outF, inF); var b = randn(outF); var g = randn(64, outF);
        string H(Tensor t) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(MemoryMarshal.AsBytes(t.contiguous().data<float>().ToArray().AsSpan())))[..12];
        foreach (var (name, f) in new (string, Func<Tensor>)[]
        {
            ("addmm fwd", () => addmm(b, a, w.t(), 1, 1)), ("grad input g@W", () => g.mm(w)), ("grad weight g^T@a", () => g.t().mm(a)),
            ("bias grad sum(0)", () => g.sum(new long[] { 0 }, false)), ("sigmoid", () => g.sigmoid()), ("log_softmax", () => g.log_softmax(1)), ("sigmoid_backward-like", () => g.mul(g.sigmoid().neg().add(1)).mul(g.sigmoid())),
        })
        {
            set_num_threads(2); var two = H(f());
            set_num_threads(1); var one = H(f());
            set_num_threads(2);
            Console.WriteLine($"{inF}->{outF} {name,-20} 2 threads {two}  1 thread {one}  {(two == one ? "same" : "DIFFERENT")}");
        }
        }
    }
}

// Experiment: LibTorch's own convolution (im2col + GEMM, oneDNN off) against oneDNN for LeNet's two convolutions.
internal static class NoMkldnn
{
    [DllImport("torch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("torch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    public static void Run()
    {
        var ctx = GlobalContext();
        manual_seed(0);
        var cases = new (string Name, nn.Module<Tensor, Tensor> Layer, long[] Shape, bool InputGrad)[]
        {
            ("conv1 1->6", nn.Conv2d(1, 6, 5), [64, 1, 28, 28], false),
            ("conv2 6->16", nn.Conv2d(6, 16, 5), [64, 6, 12, 12], true),
        };
        for (var round = 0; round < 2; round++)
        foreach (var enabled in new[] { true, false })
        {
            SetUserEnabledMkldnn(ctx, enabled);
            foreach (var (name, layer, shape, inputGrad) in cases)
            {
                manual_seed(1);
                var x = rand(shape).requires_grad_(inputGrad);
                var grad = rand_like(layer.forward(x).detach());
                double Time(Action a)
                {
                    for (var i = 0; i < 30; i++) a();
                    var t = Enumerable.Range(0, 200).Select(_ => { var sw = System.Diagnostics.Stopwatch.StartNew(); a(); return sw.Elapsed.TotalMicroseconds; }).Order().ToArray();
                    return t[t.Length / 2];
                }

                var fwd = Time(() => { using var scope = NewDisposeScope(); using var g = no_grad(); layer.forward(x); });
                var both = Time(() => { using var scope = NewDisposeScope(); layer.zero_grad(); autograd.backward([layer.forward(x)], [grad]); });
                Console.WriteLine($"mkldnn {UserEnabledMkldnn(ctx),-5} {name,-12} forward {fwd,6:F0} us  forward + backward {both,6:F0} us");
            }
        }
    }
}
