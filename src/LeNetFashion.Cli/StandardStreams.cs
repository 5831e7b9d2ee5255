using System.Runtime.InteropServices;

namespace LeNetFashion.Cli;

/// <summary>
/// Checks that standard output is open for writing before anything is written: a closed one
/// (<c>&gt;&amp;-</c>) would otherwise fail at the first line with .NET's "Access to the path is denied.", which names no
/// path. A descriptor closed at start is often taken over by a file the loader opens read-only, so the check is
/// "open and writable" (<c>fcntl(F_GETFL)</c>), not only "open".
/// </summary>
internal static class StandardStreams
{
    /// <summary>"standard output" when it is closed or not writable, else null. A closed standard error
    /// (<c>2&gt;&amp;-</c>) is not refused: Program.cs sends error lines nowhere then.</summary>
    /// <returns>Null on Windows, and where descriptor 1 is open for writing.</returns>
    public static string? Closed() => Writable(1) is false ? "standard output" : null;

    /// <summary>Whether descriptor <paramref name="fd"/> is open for writing; null on Windows (not checked).</summary>
    /// <param name="fd">1 for standard output, 2 for standard error.</param>
    /// <returns>False for a closed or read-only descriptor.</returns>
    public static bool? Writable(int fd)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var flags = Fcntl(fd, GetFl);
        return flags >= 0 && (flags & AccessMode) != ReadOnly;
    }

    // fcntl's F_GETFL and the access-mode bits: the same values on Linux and macOS.
    private const int GetFl = 3;
    private const int AccessMode = 3;
    private const int ReadOnly = 0;

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command);
}
