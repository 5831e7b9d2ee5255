namespace LeNetFashion.Training;

/// <summary>Hyper-parameters of an optimizer, with PyTorch's meanings (<c>torch.optim</c>).</summary>
/// <param name="LearningRate">Initial learning rate, positive and finite.</param>
/// <param name="Momentum">SGD momentum factor (PyTorch's default 0); ignored by Adam and AdamW.</param>
/// <param name="WeightDecay">L2 penalty (Adam, SGD) or decoupled weight decay (AdamW); null = the optimizer's PyTorch
/// default: 0 for Adam and SGD, 0.01 for AdamW.</param>
public sealed record OptimizerSettings(double LearningRate, double Momentum = 0, double? WeightDecay = null);
