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
    /// <returns>True for <c>train</c> on Linux without <c>--help</c>, <c>-h</c> or <c>-?</c>.</returns>
    public static bool Wanted(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return OperatingSystem.IsLinux() && args.Count > 0 && args[0] == "train" && !args.Any(a => a is "--help" or "-h" or "-?");
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
    /// the same command line (<c>/proc/self/cmdline</c>) and <see cref="TcacheOff"/> added to the environment; it does
    /// not return then.
    /// </summary>
    /// <param name="args">The command-line arguments, verb first.</param>
    /// <returns>Null when no new start was needed; otherwise why it could not be made (the caller goes on as it is).</returns>
    public static string? RelaunchIfNeeded(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var current = Environment.GetEnvironmentVariable(Variable);
        if (!Wanted(args) || WithTcacheOff(current) == current)
        {
            return null;
        }

        string[] argv;
        try
        {
            argv = File.ReadAllText("/proc/self/cmdline").Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read /proc/self/cmdline ({IO.Messages.FirstLine(e.Message)})";
        }

        if (argv.Length > 0 && argv[^1].Length == 0)
        {
            argv = argv[..^1];
        }

        if (argv.Length == 0)
        {
            return "/proc/self/cmdline is empty";
        }

        return ProcessImage.Replace("/proc/self/exe", argv, key => key == Variable, [$"{Variable}={WithTcacheOff(current)}"]);
    }}
