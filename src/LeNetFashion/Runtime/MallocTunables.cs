namespace LeNetFashion.Runtime;

/// <summary>
/// Starts <c>train</c> with glibc's per-thread malloc cache (tcache) off, through the <c>GLIBC_TUNABLES</c> environment
/// variable, which glibc reads only when a process starts: the process runs itself again (<c>execve</c>, same process
/// id, same arguments) with <see cref="TcacheOff"/> added.
/// </summary>
/// <remarks>
/// <para>
/// Why (the measurements are established, the mechanism is the likely one): LibTorch allocates tensors with
/// <c>posix_memalign</c> (64-byte alignment, c10's <c>alloc_cpu</c>). glibc serves
/// an aligned block by cutting a larger free chunk and freeing the small pieces before and after it; with the tcache on,
/// those pieces go into the freeing thread's cache, where they count as in use, so they never merge back, and the
/// small allocations that reuse them stay between the large blocks. The freed activation buffers then cannot be joined
/// into a buffer of the next step's size, and the heap grows instead. Measured with bn-cnn's recipe (12,800 images,
/// 2026-12-01, Intel Xeon AVX-512, glibc 2.41 of the compat runtime): <c>mallinfo2</c> showed 80–140 MB in use and a
/// heap growing by 100–200 MB an epoch, 1.1 GB after 5 epochs, with 980 MB free in pieces; resident memory reached 1.3 GB
/// and 35–70 k page faults an epoch. With the tcache off: 427–489 MB over 8 epochs and 900–4,000 faults an epoch. The
/// median epoch time was the same (0.994 × over 4 alternating rounds), and the results are bitwise the same (the
/// allocator places memory; it does not change arithmetic).
/// </para>
/// <para>
/// Only <c>train</c> is started again (0.1–0.4 s more from process start to the first batch, measured, against minutes of training);
/// <c>predict</c>, <c>eval</c> and the rest start once. A <c>GLIBC_TUNABLES</c> that already sets
/// <c>glibc.malloc.tcache_count</c> is left as it is, so a user's own choice wins and no loop is possible. Where
/// <c>execve</c> fails the run goes on in the current process with the tcache on. Off Linux nothing happens.
/// </para>
/// </remarks>
public static class MallocTunables
{
    /// <summary>The environment variable glibc reads its tunables from at process start.</summary>
    public const string Variable = "GLIBC_TUNABLES";

    /// <summary>The tunable that turns the per-thread cache off: no chunk is cached per thread (glibc manual, "Memory Allocation Tunables").</summary>
    public const string TcacheOff = "glibc.malloc.tcache_count=0";

    private const string TcacheName = "glibc.malloc.tcache_count=";

    /// <summary>Whether a run with these arguments is started with the tcache off: <c>train</c> on Linux, unless it asks for help.</summary>
    /// <param name="args">The command-line arguments, verb first.</param>
    /// <returns>True for <c>train</c> on Linux without <c>--help</c>, <c>-h</c> or <c>-?</c>; a verb given in a leading response file counts.</returns>
    public static bool Wanted(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return OperatingSystem.IsLinux() && args.Count > 0 && Verb(args[0], 0) == "train" && !args.Any(a => a is "--help" or "-h" or "-?");
    }

    /// <summary>
    /// The verb a command line starts with: its first argument or, when that names a response file (<c>@path</c>), the
    /// first token of that file as System.CommandLine reads it (lines; blank lines and lines starting with <c>#</c>
    /// skipped; tokens separated by white space), through at most 8 nested files. Null when the file cannot be read, is
    /// empty, states no length (a device) or is over 1 MiB: the parser then reports it, and nothing restarts.
    /// </summary>
    private static string? Verb(string first, int depth)
    {
        if (first.Length < 2 || first[0] != '@')
        {
            return first;
        }

        if (depth >= 8)
        {
            return null;
        }

        try
        {
            var file = new FileInfo(first[1..]);
            if (!file.Exists || file.Length is 0 or > 1 << 20)
            {
                return null;
            }

            foreach (var line in File.ReadLines(file.FullName))
            {
                var trimmed = line.Trim();
                if (trimmed.Length > 0 && trimmed[0] != '#')
                {
                    return Verb(trimmed.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0].Trim('"'), depth + 1);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>
    /// The value <c>GLIBC_TUNABLES</c> should have: <paramref name="current"/> when it already sets
    /// <c>glibc.malloc.tcache_count</c>, else <paramref name="current"/> with <see cref="TcacheOff"/> appended
    /// (tunables are separated by colons), or <see cref="TcacheOff"/> alone when <paramref name="current"/> is empty.
    /// </summary>
    /// <param name="current">The variable's present value, or null when unset.</param>
    /// <returns>The value to start with.</returns>
    public static string WithTcacheOff(string? current)
    {
        if (string.IsNullOrEmpty(current))
        {
            return TcacheOff;
        }

        return current.Split(':').Any(t => t.StartsWith(TcacheName, StringComparison.Ordinal)) ? current : current + ":" + TcacheOff;
    }

    /// <summary>
    /// For <c>train</c> on Linux when <c>GLIBC_TUNABLES</c> does not yet set the tcache: runs this process again with
    /// the same command line (<c>/proc/self/cmdline</c>) and environment (libc's <c>environ</c>), byte for byte, with
    /// <see cref="TcacheOff"/> added (<see cref="TcacheOffEntry"/>); it does not return then.
    /// </summary>
    /// <param name="args">The command-line arguments, verb first.</param>
    /// <returns>Null when no new start was needed; otherwise why it could not be made (the caller goes on as it is).</returns>
    public static string? RelaunchIfNeeded(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!Wanted(args))
        {
            return null;
        }

        try
        {
            var environment = ProcessImage.Environment();
            if (TcacheOffEntry(environment) is not { } entry)
            {
                return null;
            }

            return ProcessImage.Replace("/proc/self/exe", ProcessImage.CommandLine(), ProcessImage.Edit(environment, name => name == Variable, [entry]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return $"cannot restart with {TcacheOff} ({IO.Messages.FirstLine(e.Message)})";
        }
    }

    /// <summary>
    /// The <c>GLIBC_TUNABLES</c> entry a restart should carry, or null when <paramref name="environment"/> already sets
    /// <c>glibc.malloc.tcache_count</c>. The values of every <c>GLIBC_TUNABLES</c> entry are kept byte for byte, joined
    /// by colons in their order (glibc reads each entry in turn, so a later setting still wins), with
    /// <see cref="TcacheOff"/> appended as <see cref="WithTcacheOff"/> does.
    /// </summary>
    /// <param name="environment">Entries <c>NAME=value</c> as raw bytes (<see cref="ProcessImage.Environment"/>).</param>
    /// <returns>The entry <c>GLIBC_TUNABLES=…</c> as raw bytes, or null.</returns>
    public static byte[]? TcacheOffEntry(IEnumerable<byte[]> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var values = environment.Where(e => ProcessImage.NameOf(e) == Variable).Select(ProcessImage.ValueOf).Where(v => v.Length > 0).ToList();
        byte[] joined = values.Count == 0 ? [] : values.Aggregate((x, y) => [.. x, (byte)':', .. y]);
        var current = System.Text.Encoding.UTF8.GetString(joined);
        if (values.Count > 0 && WithTcacheOff(current) == current)
        {
            return null;
        }

        byte[] separator = joined.Length > 0 ? [(byte)':'] : [];
        return [.. System.Text.Encoding.ASCII.GetBytes(Variable + "="), .. joined, .. separator, .. System.Text.Encoding.ASCII.GetBytes(TcacheOff)];
    }
}
