using System.Runtime.InteropServices;

namespace LeNetFashion.Runtime;

/// <summary>
/// Replaces the running process's image with <c>execve(2)</c>, keeping its process id, for the two restarts at start-up
/// (<see cref="CompatRelaunch"/>, <see cref="MallocTunables"/>).
/// </summary>
internal static class ProcessImage
{
    /// <summary>
    /// Flushes the console and runs <paramref name="path"/> in place of this process with this process's environment,
    /// less the variables <paramref name="drop"/> names, plus <paramref name="add"/>.
    /// </summary>
    /// <param name="path">The executable.</param>
    /// <param name="argv">Its arguments, <c>argv[0]</c> first.</param>
    /// <param name="drop">True for a variable name to leave out.</param>
    /// <param name="add">Variables to set, as <c>NAME=value</c>.</param>
    /// <returns>Only on failure (a successful <c>execve</c> does not return): the reason, with its errno.</returns>
    public static string Replace(string path, IReadOnlyList<string> argv, Func<string, bool> drop, IEnumerable<string> add)
    {
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => !drop((string)e.Key))
            .Select(e => $"{e.Key}={e.Value}")
            .Concat(add)
            .Cast<string?>()
            .Append(null)
            .ToArray();
        Console.Out.Flush();
        Console.Error.Flush();
        Execve(path, [.. argv, null], environment);
        return $"execve {path} failed (errno {Marshal.GetLastPInvokeError()})";
    }

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static extern int Execve(string path, string?[] argv, string?[] envp);
}
