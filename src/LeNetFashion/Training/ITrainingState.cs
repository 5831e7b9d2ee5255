namespace LeNetFashion.Training;

/// <summary>
/// Something whose state a resumed run needs: the trainer (epoch, history, model weights, the schedule's position),
/// the optimizer, and every callback that remembers anything (best weights, early stopping). A checkpoint saves and
/// restores each part through this contract without knowing what is inside (Lightning's <c>state_dict</c> and
/// <c>load_state_dict</c> per callback), so a new stateful part needs no change to the checkpoint.
/// </summary>
/// <remarks>
/// Random draws need no saved generator state: every generator of a run (shuffling, augmentation and the global
/// generator that dropout draws from) is seeded from the run's seed, the epoch and a purpose at the start of each
/// epoch (<see cref="Trainer"/>), so the epoch number in the trainer's state is enough to draw exactly what an
/// uninterrupted run would.
/// </remarks>
public interface ITrainingState
{
    /// <summary>Name of the state in the checkpoint, unique among a run's parts (snake_case, e.g. <c>best_weights</c>).</summary>
    string StateKey { get; }

    /// <summary>Writes the current state.</summary>
    /// <param name="state">Receives values (JSON), tensors and opaque files.</param>
    void SaveState(StateWriter state);

    /// <summary>Restores a state written by <see cref="SaveState"/>; parts are loaded in the order they were saved.</summary>
    /// <param name="state">The saved values, tensors and files.</param>
    /// <exception cref="InvalidDataException">The state lacks an entry or holds a value of the wrong kind.</exception>
    void LoadState(StateReader state);
}
