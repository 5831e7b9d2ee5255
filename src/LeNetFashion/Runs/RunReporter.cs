using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// Receives the messages of a run: information lines, and, as a <see cref="TrainerCallback"/> added last to the
/// trainer's list, its progress. The CLI prints them; tests collect them. The library never writes to the console.
/// </summary>
public abstract class RunReporter : TrainerCallback
{
    /// <summary>A reporter that discards everything.</summary>
    public static RunReporter None { get; } = new Silent();

    /// <summary>A line of information for the user.</summary>
    public virtual void Info(string line)
    {
    }

    private sealed class Silent : RunReporter
    {
    }
}
