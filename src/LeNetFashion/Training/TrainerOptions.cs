namespace LeNetFashion.Training;

/// <summary>How the trainer feeds training batches. Validation batches are never shuffled or augmented.</summary>
/// <param name="Seed">Seed from which each epoch's order and augmentation are drawn (with the epoch number), so that a
/// resumed run draws exactly what an uninterrupted one would.</param>
/// <param name="Shuffle">Reshuffle the training samples (the split's training part only) every epoch.</param>
/// <param name="Augment">Random crop with 2-pixel zero padding and random horizontal flip, per image, on training batches.</param>
public sealed record TrainerOptions(long Seed = 0, bool Shuffle = false, bool Augment = false);
