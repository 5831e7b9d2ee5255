using System.Runtime.InteropServices;
using System.Text;

namespace LeNetFashion.Runtime;

/// <summary>
/// Replaces the running process's image with <c>execve(2)</c>, keeping its process id, for the two restarts at start-up
/// (<see cref="CompatRelaunch"/>, <see cref="MallocTunables"/>). Arguments and environment pass byte for byte: they are
/// read as the kernel and libc hold them (<c>/proc/self/cmdline</c>, libc's <c>environ</c>), never through .NET strings,
/// so bytes that are not UTF-8, a leading byte-order mark or a variable set twice survive the restart.
/// </summary>
internal static class ProcessImage
{
    /// <summary>This process's command line as the kernel holds it: <c>/proc/self/cmdline</c> split at its NUL bytes.</summary>
    /// <returns>The arguments, <c>argv[0]</c> first, as raw bytes.</returns>
    /// <exception cref="IOException">The file cannot be read or is empty.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static IReadOnlyList<byte[]> CommandLine()
    {
        var entries = SplitAtNul(File.ReadAllBytes("/proc/self/cmdline"));
        return entries.Count > 0 ? entries : throw new IOException("/proc/self/cmdline is empty");
    }

    /// <summary>This process's environment as libc holds it now (its <c>environ</c> array), one <c>NAME=value</c> entry each.</summary>
    /// <returns>The entries in libc's order, duplicates included, as raw bytes.</returns>
    /// <exception cref="DllNotFoundException">libc's <c>environ</c> cannot be found (not on glibc).</exception>
    public static unsafe IReadOnlyList<byte[]> Environment()
    {
        var libc = NativeLibrary.Load("libc.so.6");
        var environ = *(byte***)NativeLibrary.GetExport(libc, "environ");
        var entries = new List<byte[]>();
        for (var p = environ; p != null && *p != null; p++)
        {
            entries.Add(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(*p).ToArray());
        }

        return entries;
    }

    /// <summary>The name of an environment entry: its bytes before the first <c>=</c> (the whole entry when there is none), as UTF-8.</summary>
    /// <param name="entry">A <c>NAME=value</c> entry.</param>
    /// <returns>The name.</returns>
    public static string NameOf(byte[] entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = Array.IndexOf(entry, (byte)'=');
        return Encoding.UTF8.GetString(entry, 0, equals < 0 ? entry.Length : equals);
    }

    /// <summary>The value of an environment entry: its bytes after the first <c>=</c> (empty when there is none).</summary>
    /// <param name="entry">A <c>NAME=value</c> entry.</param>
    /// <returns>The value's bytes.</returns>
    public static byte[] ValueOf(byte[] entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = Array.IndexOf(entry, (byte)'=');
        return equals < 0 ? [] : entry[(equals + 1)..];
    }

    /// <summary>
    /// <paramref name="environment"/> less every entry whose name <paramref name="drop"/> is true for, then
    /// <paramref name="add"/>: every other entry is kept as it is, in its place.
    /// </summary>
    /// <param name="environment">Entries as <see cref="Environment"/> gives them.</param>
    /// <param name="drop">True for a variable name to leave out.</param>
    /// <param name="add">Entries to append, <c>NAME=value</c>, as raw bytes.</param>
    /// <returns>The new environment.</returns>
    public static IReadOnlyList<byte[]> Edit(IEnumerable<byte[]> environment, Func<string, bool> drop, IEnumerable<byte[]> add) =>
        [.. environment.Where(e => !drop(NameOf(e))), .. add];

    /// <summary>Flushes the console and runs <paramref name="path"/> in place of this process.</summary>
    /// <param name="path">The executable.</param>
    /// <param name="argv">Its arguments, <c>argv[0]</c> first, as raw bytes (no NUL inside).</param>
    /// <param name="environment">Its environment, <c>NAME=value</c> entries as raw bytes (no NUL inside).</param>
    /// <returns>Only on failure (a successful <c>execve</c> does not return): the reason, with its errno.</returns>
    public static unsafe string Replace(string path, IReadOnlyList<byte[]> argv, IReadOnlyList<byte[]> environment)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(environment);
        var blocks = new List<nint>();
        try
        {
            var file = Native(Encoding.UTF8.GetBytes(path), blocks);
            var args = NativeArray(argv, blocks);
            var envp = NativeArray(environment, blocks);
            Console.Out.Flush();
            Console.Error.Flush();
            Execve(file, args, envp);
            return $"execve {path} failed (errno {Marshal.GetLastPInvokeError()})";
        }
        finally
        {
            foreach (var b in blocks)
            {
                NativeMemory.Free((void*)b);
            }
        }
    }

    private static List<byte[]> SplitAtNul(byte[] bytes)
    {
        var entries = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == 0)
            {
                entries.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            entries.Add(bytes[start..]);
        }

        return entries;
    }

    private static unsafe byte* Native(byte[] value, List<nint> blocks)
    {
        var p = (byte*)NativeMemory.Alloc((nuint)value.Length + 1);
        blocks.Add((nint)p);
        value.CopyTo(new Span<byte>(p, value.Length));
        p[value.Length] = 0;
        return p;
    }

    private static unsafe byte** NativeArray(IReadOnlyList<byte[]> values, List<nint> blocks)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        blocks.Add((nint)array);
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = Native(values[i], blocks);
        }

        array[values.Count] = null;
        return array;
    }

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static extern unsafe int Execve(byte* path, byte** argv, byte** envp);
}
