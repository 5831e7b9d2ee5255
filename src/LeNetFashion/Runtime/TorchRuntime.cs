using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Runtime;

/// <summary>Loads TorchSharp, chooses the device and thread count, and reports library versions.</summary>
public static class TorchRuntime
{
    /// <summary>C++ runtime symbol version that TorchSharp 0.107's <c>libLibTorchSharp.so</c> needs (GCC 13).</summary>
    public const string RequiredGlibcxx = "GLIBCXX_3.4.32";

    /// <summary>Makes sure the native library loads, by running one tiny operation.</summary>
    /// <exception cref="TorchLoadException">The native library cannot load; the message names the cause and the fix.</exception>
    public static void EnsureLoaded()
    {
        // Fail fast, before TorchSharp's loader tries (and copies ~480 MB of native files as a fallback).
        if (OperatingSystem.IsLinux() && !RunningUnderCompatLoader() && !HostHasGlibcxx())
        {
            throw new TorchLoadException(GlibcxxMessage);
        }

        NativeAllocator.Tune();
        try
        {
            using var t = torch.zeros(1);
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException or InvalidOperationException)
        {
            throw new TorchLoadException(Diagnose(e), e);
        }
    }

    private static string GlibcxxMessage => CompatRelaunch.LastFailure is { } why
        ? $"TorchSharp cannot load: this system's libstdc++ lacks {RequiredGlibcxx}, and the compat runtime in {CompatRelaunch.CompatRoot()} is there but the tool could not start under it: {why}"
        : $"TorchSharp cannot load: this system's libstdc++ lacks {RequiredGlibcxx} (needed by TorchSharp 0.107, built with GCC 13; Debian 12 and Ubuntu 22.04 stop at 3.4.30); fix: lenet-fashion setup-runtime (fetches Debian 13's C++ runtime, about 16 MB, into {CompatRelaunch.CompatRoot()}; the tool then runs under it by itself), or in a clone: bash scripts/compat-runtime.sh, then dotnet build";

    /// <summary>
    /// Whether this process was started by a patched app host, i.e. its dynamic loader is not the system's
    /// (see scripts/compat-runtime.sh): the loader mapped into the process lives outside /lib and /usr/lib.
    /// </summary>
    public static bool RunningUnderCompatLoader()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/');
                if (slash < 0 || !line.Contains("/ld-linux", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = line[slash..];
                return !(path.StartsWith("/lib", StringComparison.Ordinal) || path.StartsWith("/usr/lib", StringComparison.Ordinal));
            }
        }
        catch (IOException)
        {
        }

        return true; // cannot tell: let TorchSharp try
    }

    private static string Diagnose(Exception e)
    {
        var text = e.ToString();
        if (OperatingSystem.IsLinux() && (text.Contains("GLIBCXX", StringComparison.Ordinal) || !HostHasGlibcxx()))
        {
            return GlibcxxMessage;
        }

        if (text.Contains("libtorch", StringComparison.OrdinalIgnoreCase) || e is DllNotFoundException)
        {
            return "TorchSharp cannot load its native LibTorch library: the native package is missing; restore the default CPU backend (dotnet build) or build with -p:TorchBackend=cuda for CUDA";
        }

        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return $"TorchSharp cannot load its native library: {inner.GetType().Name}: {IO.Messages.FirstLine(inner.Message)}";
    }

    /// <summary>Whether the host's <c>libstdc++.so.6</c> provides <see cref="RequiredGlibcxx"/> (true when not found or not Linux).</summary>
    public static bool HostHasGlibcxx()
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        var arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        foreach (var path in new[] { $"/usr/lib/{arch}/libstdc++.so.6", $"/lib/{arch}/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" })
        {
            if (File.Exists(path))
            {
                var bytes = File.ReadAllBytes(path);
                return bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(RequiredGlibcxx)) >= 0;
            }
        }

        return true;
    }

    /// <summary>Chooses the device: <c>auto</c> = CUDA when available, else CPU.</summary>
    /// <param name="device">The requested device.</param>
    /// <exception cref="UsageException"><see cref="ComputeDevice.Cuda"/> without CUDA.</exception>
    public static Device SelectDevice(ComputeDevice device) => device switch
    {
        ComputeDevice.Auto => cuda.is_available() ? CUDA : CPU,
        ComputeDevice.Cpu => CPU,
        _ when cuda.is_available() => CUDA,
        _ => throw new UsageException(
            "--device cuda: CUDA is not available (no NVIDIA GPU or driver, or this build uses the CPU backend: build with -p:TorchBackend=cuda); use --device cpu, or --device auto to fall back to the CPU"),
    };

    /// <summary>The <see cref="ComputeDevice"/> of a selected device: <see cref="ComputeDevice.Cuda"/> or <see cref="ComputeDevice.Cpu"/>.</summary>
    public static ComputeDevice KindOf(Device device) => device.type == DeviceType.CUDA ? ComputeDevice.Cuda : ComputeDevice.Cpu;

    /// <summary>Sets the number of CPU threads LibTorch uses for intra-op parallelism.</summary>
    /// <param name="threads">Threads, at least 1; null = all logical cores (<see cref="Environment.ProcessorCount"/>).</param>
    /// <returns>The number set.</returns>
    public static int SetThreads(int? threads)
    {
        var n = threads ?? Environment.ProcessorCount;
        torch.set_num_threads(n);
        return n;
    }

    /// <summary>Versions for run metadata: tool, TorchSharp, .NET and OS.</summary>
    public static IReadOnlyDictionary<string, string> Versions() => new SortedDictionary<string, string>
    {
        ["lenet_fashion"] = InformationalVersion(typeof(TorchRuntime).Assembly),
        ["torchsharp"] = InformationalVersion(typeof(torch).Assembly),
        ["dotnet"] = Environment.Version.ToString(),
        ["os"] = RuntimeInformation.OSDescription,
    };

    private static string InformationalVersion(Assembly assembly)
    {
        var v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = v.IndexOf('+');
        return plus < 0 ? v : v[..plus];
    }
}
