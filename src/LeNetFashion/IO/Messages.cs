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
}
