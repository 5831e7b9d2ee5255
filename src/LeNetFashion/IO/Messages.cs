namespace LeNetFashion.IO;

/// <summary>Helpers for the tool's one-line messages.</summary>
public static class Messages
{
    /// <summary>The first line of <paramref name="message"/>, trimmed: LibTorch's messages add a C++ stack trace on later lines.</summary>
    /// <param name="message">Any exception message.</param>
    /// <returns>Its first line, without surrounding white space.</returns>
    public static string FirstLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var i = message.IndexOfAny(['\r', '\n']);
        return (i < 0 ? message : message[..i]).Trim();
    }

    /// <summary>
    /// <paramref name="message"/> with every control or formatting character (terminal escapes, line breaks, direction
    /// overrides) shown as <c>?</c>, so that text quoted from a file cannot print a line that looks like the tool's own.
    /// </summary>
    /// <param name="message">Any text.</param>
    /// <returns>The printable text, one character for each of <paramref name="message"/>'s.</returns>
    public static string Printable(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return string.Concat(message.Select(c => Models.ModelSpec.IsHidden(c) ? '?' : c));
    }
}
