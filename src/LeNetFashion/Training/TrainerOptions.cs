namespace LeNetFashion.Training;

/// <summary>How the trainer feeds training batches. Validation batches are never shuffled or augmented.</summary>
/// <param name="Seed">Seed from which each epoch's order and augmentation are drawn (with the epoch number), so that a
/// resumed run draws exactly what an uninterrupted one would.</param>
/// <param name="Shuffle">Reshuffle the training samples (the split's training part only) every epoch.</param>
/// <param name="Augment">Random crop with 2-pixel zero padding and random horizontal flip, per image, on training batches.</param>
/// <param name="LabelSmoothing">ε of the training loss's label smoothing (PyTorch's <c>cross_entropy(label_smoothing=ε)</c>:
/// the target is 1 − ε on the true class plus ε / K on every class; Szegedy et al. 2016), 0 for none. Validation loss
/// is always the plain cross-entropy.</param>
public sealed record TrainerOptions(long Seed = 0, bool Shuffle = false, bool Augment = false, double LabelSmoothing = 0);
