using TorchSharp.Modules;

namespace LeNetFashion.Training;

/// <summary>
/// The optimizer's part of a checkpoint: its own state file (moments, step counts, learning rates), written and read by
/// TorchSharp's <c>save_state_dict</c> and <c>load_state_dict</c>; the optimizer is wrapped, never reached into.
/// </summary>
/// <param name="optimizer">The run's optimizer.</param>
public sealed class OptimizerState(OptimizerHelper optimizer) : ITrainingState
{
    /// <inheritdoc />
    public string StateKey => "optimizer";

    /// <inheritdoc />
    public void SaveState(StateWriter state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetFile("state", path => optimizer.save_state_dict(path));
    }

    /// <inheritdoc />
    public void LoadState(StateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        optimizer.load_state_dict(state.FilePath("state"));
    }
}
