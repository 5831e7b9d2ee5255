using System.Runtime.InteropServices;

namespace LeNetFashion.Runtime;

/// <summary>
/// Settings of the C allocator (glibc's malloc) that LibTorch's CPU tensors are allocated with.
/// </summary>
/// <remarks>
/// <para>
/// By default glibc serves blocks above a threshold that starts at 128 KiB with <c>mmap</c> and returns
/// freed memory at the top of the heap to the system once more than 128 KiB is free there. A training
/// batch allocates and frees the same activation buffers (hundreds of KiB to tens of MiB) every step, so
/// with the defaults every step maps, faults in and unmaps them again: for the bn-cnn network at batch
/// 128 the kernel's page-fault work took 60 % of an epoch (14.7 s against 5.0 s for 12,800 images, with
/// bit-identical results). PyTorch's CPU performance guide recommends a caching allocator for the same
/// reason; these two <c>mallopt</c> settings (glibc manual, "Memory Allocation Tunables") give the
/// same effect without one.
/// </para>
/// <para>
/// Freed memory stays in the process, up to <see cref="TrimThresholdBytes"/> per arena above what is in
/// use; the peak resident size of a run is unchanged, since the buffers are reused rather than added.
/// </para>
/// </remarks>
public static class NativeAllocator
{
    /// <summary>Blocks of at least this many bytes (32 MiB, glibc's largest allowed value on 64-bit) come from <c>mmap</c>.</summary>
    public const int MmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>Free memory at the top of the heap above this many bytes (256 MiB) is returned to the system.</summary>
    public const int TrimThresholdBytes = 256 * 1024 * 1024;

    /// <summary>
    /// Most malloc arenas (glibc's <c>M_ARENA_MAX</c>; its default is 8 per core): every thread that allocates gets an
    /// arena of its own, and each arena keeps up to <see cref="TrimThresholdBytes"/> of freed memory, so LibTorch's OpenMP
    /// worker and .NET's threads each held 30–50 MB. Two arenas took the bn-cnn recipe's peak resident memory from
    /// 819 MB to 726 MB in single runs (one arena: 779 MB) at the same epoch time (2026-11-30, Intel Xeon AVX-512).
    /// </summary>
    public const int ArenaMax = 2;

    // glibc's malloc.h
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int MArenaMax = -8;

    private static int _applied;

    /// <summary>
    /// Applies <see cref="MmapThresholdBytes"/> and <see cref="TrimThresholdBytes"/> once per process, on
    /// Linux with glibc; elsewhere (or without glibc's <c>mallopt</c>) nothing changes.
    /// </summary>
    /// <returns>True when both settings were accepted.</returns>
    public static bool Tune()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _applied, 1) == 1)
        {
            return false;
        }

        try
        {
            return mallopt(MMmapThreshold, MmapThresholdBytes) == 1 && mallopt(MTrimThreshold, TrimThresholdBytes) == 1
                && mallopt(MArenaMax, ArenaMax) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

#pragma warning disable SA1300 // the C function's name
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
#pragma warning restore SA1300
}
