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
    /// <summary>"standard output" when it is closed or not writable, else null. Standard error is not checked: a run
    /// with it closed (<c>2&gt;&amp;-</c>) goes on, as before.</summary>
    /// <returns>Null on Windows, and where descriptor 1 is open for writing.</returns>
    public static string? Closed()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        return Writable(1) ? null : "standard output";
    }

    private static bool Writable(int fd)
    {
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
