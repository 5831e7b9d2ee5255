using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.EndToEnd;

/// <summary>Checks of the CUDA path; skipped where CUDA is not available (see README "Platform notes").</summary>
[Collection("Torch")]
public sealed class CudaTests : TestBase
{
    [CudaFact]
    public void Training_on_cuda_gives_the_cpu_metrics_to_float_tolerance()
    {
        Fixtures.SeparableDataset(TempDir, 640, 2);
        var set = FashionMnist.Load(TempDir, DatasetPart.Train);
        EpochRecord RunOn(Device device)
        {
            manual_seed(11);
            using var model = Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist);
            model.Model.to(device);
            using var data = TensorData.FromDataset(set, device);
            using var optimizer = Optimizers.Create(Optimizers.Adam, model.Model.parameters(), new OptimizerSettings(0.01));
            var trainer = new Trainer(model, data, BatchSplit.Create(data.Count, 16, 0.8), 2, optimizer);
            return trainer.Fit(cancellationToken: TestContext.Current.CancellationToken).History[^1];
        }

        var cpu = RunOn(CPU);
        var gpu = RunOn(CUDA);
        Assert.Equal(cpu.TrainLoss, gpu.TrainLoss, 1e-3);
        Assert.Equal(cpu.ValLoss, gpu.ValLoss, 1e-3);
        Assert.Equal(cpu.ValAcc, gpu.ValAcc, 2);
    }
}
