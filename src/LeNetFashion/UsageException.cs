namespace LeNetFashion;

/// <summary>
/// The user asked for something that cannot be done as asked: an option's value, a combination of options, or a
/// configuration file's settings. The command line maps it to exit code 1 ("invalid command line"); the message is
/// one line that names the option or file and what was expected. A damaged data or model file is reported with
/// <see cref="Data.DataFormatException"/> or <see cref="Runs.ModelFileException"/> (exit code 2) instead, and any other
/// <see cref="ArgumentException"/> is a defect of the tool, never blamed on the command line.
/// </summary>
public class UsageException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public UsageException()
    {
    }

    /// <summary>Creates the exception with its one-line message.</summary>
    /// <param name="message">What was given and what was expected.</param>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and cause.</summary>
    /// <param name="message">What was given and what was expected.</param>
    /// <param name="innerException">The cause.</param>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
