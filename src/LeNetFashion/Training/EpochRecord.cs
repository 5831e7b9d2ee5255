namespace LeNetFashion.Training;

/// <summary>
/// Metrics of one epoch, as written to <c>history.csv</c> (columns
/// <c>epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate</c>).
/// </summary>
/// <param name="Epoch">Epoch index, counted from 0 as in the tutorial.</param>
/// <param name="TrainLoss">Mean cross-entropy per training sample (sum of batch loss × batch size, divided by samples).</param>
/// <param name="TrainAcc">Fraction of training samples classified correctly, in [0, 1].</param>
/// <param name="ValLoss">Mean cross-entropy per validation sample.</param>
/// <param name="ValAcc">Fraction of validation samples classified correctly, in [0, 1].</param>
/// <param name="Seconds">Wall time of this epoch alone (training and validation), in seconds.</param>
/// <param name="LearningRate">Learning rate the optimizer used in this epoch (before the epoch-end scheduler step).</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAcc,
    double ValLoss,
    double ValAcc,
    double Seconds,
    double LearningRate);
