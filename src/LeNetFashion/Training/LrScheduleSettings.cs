namespace LeNetFashion.Training;

/// <summary>Parameters of a learning-rate schedule, with PyTorch's meanings (<c>torch.optim.lr_scheduler</c>).</summary>
/// <param name="Epochs">Epochs of the run (cosine anneals over them).</param>
/// <param name="StepSize">StepLR: epochs between decays.</param>
/// <param name="Gamma">StepLR: factor applied at each decay.</param>
public sealed record LrScheduleSettings(int Epochs, int StepSize = 10, double Gamma = 0.1);
