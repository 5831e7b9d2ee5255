using static TorchSharp.torch.optim;

namespace LeNetFashion.Training;

/// <summary>
/// Learning-rate schedules by name (the <c>--lr-schedule</c> values), stepped once per epoch after the epoch's
/// batches, as PyTorch's epoch schedulers are.
/// </summary>
public static class LrSchedules
{
    /// <summary>A constant learning rate (no scheduler): the tutorial's and the default.</summary>
    public const string None = "none";

    /// <summary>StepLR: the learning rate is multiplied by <c>gamma</c> every <c>step_size</c> epochs.</summary>
    public const string Step = "step";

    /// <summary>CosineAnnealingLR over the run's epochs (T_max = epochs, η_min = 0; Loshchilov and Hutter, 2017).</summary>
    public const string Cosine = "cosine";

    private static readonly Dictionary<string, Func<Optimizer, LrScheduleSettings, lr_scheduler.LRScheduler?>> Factories = new(StringComparer.Ordinal)
    {
        [None] = (_, _) => null,
        [Step] = (o, s) => lr_scheduler.StepLR(o, s.StepSize, s.Gamma),
        [Cosine] = (o, s) => lr_scheduler.CosineAnnealingLR(o, s.Epochs),
    };

    /// <summary>Known schedule names.</summary>
    public static IReadOnlyList<string> Names { get; } = Factories.Keys.ToArray();

    /// <summary>Creates the schedule called <paramref name="name"/> for <paramref name="optimizer"/>, or null for <see cref="None"/>.</summary>
    /// <exception cref="UsageException">Unknown name; the message lists the known ones.</exception>
    public static lr_scheduler.LRScheduler? Create(string name, Optimizer optimizer, LrScheduleSettings settings) =>
        Factories.TryGetValue(name, out var create)
            ? create(optimizer, settings)
            : throw new UsageException($"unknown learning-rate schedule '{name}'; expected one of: {string.Join(", ", Names)}");
}
