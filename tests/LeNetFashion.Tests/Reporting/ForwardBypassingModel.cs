using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LeNetFashion.Tests.Reporting;

/// <summary>A model whose forward calls its layer with <c>forward(x)</c>, which skips TorchSharp's forward hooks.</summary>
internal sealed class ForwardBypassingModel : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear _linear;

    public ForwardBypassingModel()
        : base(nameof(ForwardBypassingModel))
    {
        _linear = Linear(4, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => _linear.forward(input);
}
