using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>Receives the messages of a run (the CLI prints them; tests collect them).</summary>
public interface IRunReporter : ITrainingReporter
{
    /// <summary>A line of information for the user.</summary>
    void Info(string line);
}
