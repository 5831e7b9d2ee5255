using LeNetFashion.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Models;

[Collection("Torch")]
public sealed class LeNetTests
{
    [Fact]
    public void Forward_maps_a_batch_of_images_to_ten_logits_each()
    {
        using var model = new LeNet();
        using var x = rand(2, 1, 28, 28);
        using var logits = model.forward(x);
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
        Assert.Equal(ScalarType.Float32, logits.dtype);
    }

    [Fact]
    public void State_dict_keys_are_pytorchs_for_the_tutorial_module()
    {
        using var model = new LeNet();
        Assert.Equal(
            ["conv.0.weight", "conv.0.bias", "conv.3.weight", "conv.3.bias", "fc.0.weight", "fc.0.bias", "fc.2.weight", "fc.2.bias", "fc.4.weight", "fc.4.bias"],
            model.state_dict().Keys);
    }

    [Fact]
    public void The_model_has_44426_parameters()
    {
        using var model = new LeNet();
        Assert.Equal(44_426, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void With_seed_0_the_logits_equal_pytorchs()
    {
        // Golden values: /usr/bin/python3 scripts/golden/lenet_logits.py (PyTorch 1.13, torch.manual_seed(0)).
        float[] expected =
        [
            0.209150955f, -0.255847752f, -0.0863505825f, 0.447192669f, 0.16210331f, 0.0496433116f, -0.420704901f, 0.289065808f, -0.083616823f, -0.635373056f,
            0.209114224f, -0.255810231f, -0.0863816813f, 0.447277188f, 0.162126094f, 0.0496314429f, -0.420715779f, 0.28908366f, -0.0836676359f, -0.635391951f,
        ];
        manual_seed(0);
        using var model = new LeNet();
        model.eval();
        using var idx = arange(2 * 784, dtype: ScalarType.Int64);
        using var x = (idx % 255).to_type(ScalarType.Float32).div(255f).reshape(2, 1, 28, 28);
        using var noGrad = no_grad();
        using var logits = model.forward(x);
        var actual = logits.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6f);
        }
    }
}
