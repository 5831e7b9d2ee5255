namespace LeNetFashion.Data;

/// <summary>
/// A data file or folder is missing, damaged or not what the tool expects. The message is one line that
/// names the file, what was found and what was expected, suitable to show to a user as is.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception with a one-line user-facing message.</summary>
    /// <param name="message">What was wrong, where, what was expected.</param>
    /// <param name="path">The file or folder concerned, when there is one.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public DataFormatException(string message, string? path = null, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The file or folder concerned, or <c>null</c>.</summary>
    public string? Path { get; }
}
