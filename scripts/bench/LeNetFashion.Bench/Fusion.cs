using TorchSharp;
using static TorchSharp.torch;

// LeNet's training batch with sigmoid and pooling differentiated in one step (the product's LeNet) against the same
// network with nn.Sigmoid and the pooling layer alone, in alternating rounds of 200 batches; final weights compared.
internal static class Fusion
{
    private sealed class Unfused : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Sequential conv = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Sigmoid(), new LeNetFashion.Models.Layers.MaxPool2d(), nn.Conv2d(6, 16, 5), nn.Sigmoid(), new LeNetFashion.Models.Layers.MaxPool2d());
        private readonly TorchSharp.Modules.Sequential fc = nn.Sequential(nn.Linear(256, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10));

        public Unfused() : base(nameof(Unfused)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using var f = conv.forward(input);
            using var flat = f.view(f.shape[0], -1);
            return fc.forward(flat);
        }
    }

    public static void Run() => AlternatingTraining.Run(
        8,
        ["unfused", "fused"],
        v => v == 1 ? new LeNetFashion.Models.LeNet() : new Unfused(),
        (_, model, input) => model.forward(input));
}
