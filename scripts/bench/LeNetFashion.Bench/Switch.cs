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
    public static void Run() => AlternatingTraining.Run(
        6,
        ["2 threads throughout", "classifier on 1"],
        _ => new LeNetFashion.Models.LeNet(),
        (v, model, input) =>
        {
            var stages = model.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
            var flat = stages[0].forward(input).view(64, -1);
            if (v == 1)
            {
                set_num_threads(1);
                flat = BackToTwoThreads.apply(flat);
            }

            return stages[1].forward(flat);
        },
        v =>
        {
            if (v == 1 && get_num_threads() != 2)
            {
                throw new InvalidOperationException("threads not restored");
            }
        });
}
