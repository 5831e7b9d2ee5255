using TorchSharp;
using static TorchSharp.torch;

// Experiment: which float expression each of LibTorch's Adam operations computes, element by element.
internal static class AdamOps
{
    public static void Run()
    {
        set_num_threads(1);
        manual_seed(3);
        const int n = 44426;
        var g = randn(n).mul_(0.01); var m = randn(n).mul_(0.01); var v = rand(n).mul_(0.0001); var p = randn(n).mul_(0.1);
        float b1 = 0.9f, c1 = (float)(1 - 0.9), b2 = 0.999f, c2 = (float)(1 - 0.999), bc2 = (float)Math.Sqrt(1 - Math.Pow(0.999, 3)), eps = 1e-8f, lr = (float)-(0.01 / (1 - Math.Pow(0.9, 3))), wd = 0.01f;
        float[] A(Tensor t) => t.data<float>().ToArray();
        void Report(string name, float[] torchOut, Func<int, float> fused, Func<int, float> plain)
        {
            int f = 0, q = 0;
            for (var i = 0; i < n; i++) { if (BitConverter.SingleToInt32Bits(torchOut[i]) != BitConverter.SingleToInt32Bits(fused(i))) f++; if (BitConverter.SingleToInt32Bits(torchOut[i]) != BitConverter.SingleToInt32Bits(plain(i))) q++; }
            Console.WriteLine($"{name,-28} mismatches: fused {f,6}  unfused {q,6}");
        }

        var (ga, ma, va, pa) = (A(g), A(m), A(v), A(p));
        Report("add(p, alpha=wd)", A(g.add(p, alpha: 0.01)), i => MathF.FusedMultiplyAdd(pa[i], wd, ga[i]), i => ga[i] + (wd * pa[i]));
        var mb = A(m.mul(0.9));
        Report("mul_(b1)", mb, i => ma[i] * b1, i => ma[i] * b1);
        Report("add_(g, alpha=1-b1)", A(m.mul(0.9).add_(g, alpha: 1 - 0.9)), i => MathF.FusedMultiplyAdd(ga[i], c1, mb[i]), i => mb[i] + (c1 * ga[i]));
        var vb = A(v.mul(0.999));
        Report("mul_(b2)", vb, i => va[i] * b2, i => va[i] * b2);
        Report("addcmul_(g, g, 1-b2)", A(v.mul(0.999).addcmul_(g, g, value: 1 - 0.999)), i => MathF.FusedMultiplyAdd(c2 * ga[i], ga[i], vb[i]), i => vb[i] + (c2 * ga[i] * ga[i]));
        var sq = A(v.sqrt());
        Report("sqrt", sq, i => MathF.Sqrt(va[i]), i => MathF.Sqrt(va[i]));
        var dv = A(v.sqrt() / Math.Sqrt(1 - Math.Pow(0.999, 3)));
        Report("sqrt / bc2", dv, i => sq[i] / bc2, i => sq[i] * (1 / bc2));
        var de = A((v.sqrt() / Math.Sqrt(1 - Math.Pow(0.999, 3))).add_(1e-8));
        Report("+ eps", de, i => dv[i] + eps, i => dv[i] + eps);
        var denom = (v.sqrt() / Math.Sqrt(1 - Math.Pow(0.999, 3))).add_(1e-8);
        Report("addcdiv_(m, denom, -step)", A(p.clone().addcdiv_(m, denom, value: -(0.01 / (1 - Math.Pow(0.9, 3))))), i => MathF.FusedMultiplyAdd(lr * ma[i] / de[i], 1, pa[i]), i => pa[i] + (lr * ma[i] / de[i]));
        Report("addcdiv_ alt (lr*(m/d))", A(p.clone().addcdiv_(m, denom, value: -(0.01 / (1 - Math.Pow(0.9, 3))))), i => pa[i] + (lr * (ma[i] / de[i])), i => MathF.FusedMultiplyAdd(lr, ma[i] / de[i], pa[i]));
    }
}
