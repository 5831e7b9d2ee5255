using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

// The cost of a TorchSharp custom autograd function (a managed forward and a managed backward callback) against
// the native operation it wraps, on a tiny tensor so that the arithmetic is negligible.
internal sealed class ManagedTimesTwo : SingleTensorFunction<ManagedTimesTwo>
{
    public override string Name => nameof(ManagedTimesTwo);

    public override Tensor forward(AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).mul(2);

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) => [grad_output.mul(2)];
}

internal static class FunctionCost
{
    public static void Run()
    {
        var x = rand(16).requires_grad_(true);
        double Time(Func<Tensor, Tensor> f)
        {
            void Once()
            {
                using var scope = NewDisposeScope();
                f(x).sum().backward();
                x.grad!.zero_();
            }

            for (var i = 0; i < 200; i++) Once();
            var t = Enumerable.Range(0, 2000).Select(_ => { var sw = Stopwatch.StartNew(); Once(); return sw.Elapsed.TotalMicroseconds; }).Order().ToArray();
            return t[t.Length / 2];
        }

        for (var round = 0; round < 2; round++)
        {
            Console.WriteLine($"x.mul(2) fwd+bwd: native {Time(t => t.mul(2)):F1} us, custom function {Time(t => ManagedTimesTwo.apply(t)):F1} us");
        }
    }
}
