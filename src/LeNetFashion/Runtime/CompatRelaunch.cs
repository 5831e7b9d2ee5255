using System.Runtime.InteropServices;

namespace LeNetFashion.Runtime;

/// <summary>
/// Runs the tool under the compat runtime when it was started by something the build did not patch: an installed
/// <c>dotnet tool</c>, or <c>dotnet lenet-fashion.dll</c>. On a Linux host whose libstdc++ lacks
/// <see cref="TorchRuntime.RequiredGlibcxx"/> (Debian 12, Ubuntu 22.04) and where the compat root exists
/// (<c>lenet-fashion setup-runtime</c>, or <c>scripts/compat-runtime.sh</c> in a clone), the process replaces itself
/// (<c>execve</c>) with the same <c>dotnet exec lenet-fashion.dll …</c> run by the compat root's dynamic loader.
/// </summary>
/// <remarks>
/// The loader runs the real <c>dotnet</c> muxer with <c>--library-path</c> (every library of the process, also those
/// loaded later, then comes from the compat root, so two glibc versions never mix). The .NET host finds its own folder
/// through <c>/proc/self/exe</c>, which is then the loader: so the loader is copied as <c>dotnet</c> into a small
/// overlay folder whose <c>host</c> and <c>shared</c> are links to the real .NET root's, and the host takes the overlay
/// for the .NET root. Nothing is patched and nothing outside the tool's cache folder is written.
/// </remarks>
public static class CompatRelaunch
{
    /// <summary>Set in the relaunched process, so that it never relaunches again.</summary>
    public const string MarkerVariable = "LENET_COMPAT_RELAUNCHED";

    /// <summary>
    /// Replaces this process with itself under the compat runtime when that is needed and possible; returns only when
    /// it is not (nothing to do, or no compat root: then <see cref="TorchRuntime.EnsureLoaded"/> reports the cause).
    /// </summary>
    /// <param name="args">The command line, passed on unchanged.</param>
    /// <returns>Why no relaunch happened (for <c>--verbose</c> and tests); null when it was not needed.</returns>
    public static string? RelaunchIfNeeded(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(MarkerVariable) == "1" || TorchRuntime.HostHasGlibcxx())
        {
            return null;
        }

        if (ProcessIsPatchedAppHost())
        {
            return null;
        }

        var libdir = LibDir();
        var loader = libdir is null ? null : Path.Combine(libdir, Loader);
        if (loader is null || !File.Exists(loader) || !File.Exists(Path.Combine(libdir!, "libstdc++.so.6")))
        {
            return $"no compat runtime at {CompatRoot()} (run: lenet-fashion setup-runtime)";
        }

        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        // The running runtime's files are in <root>/shared/Microsoft.NETCore.App/<version>/.
        var dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var muxer = Path.Combine(dotnetRoot, "dotnet");
        if (string.IsNullOrEmpty(entry) || !File.Exists(muxer) || !Directory.Exists(Path.Combine(dotnetRoot, "host")))
        {
            return $"cannot find the .NET root's dotnet and host folder at {dotnetRoot}";
        }

        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        string overlay;
        try
        {
            overlay = Overlay(loader, dotnetRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastFailure = $"its launcher folder could not be made ({IO.Messages.FirstLine(e.Message)})";
            return LastFailure;
        }

        string[] command = [Path.Combine(overlay, "dotnet"), "--library-path", libdir!, "--argv0", "dotnet", muxer, "exec", entry];
        try
        {
            var environment = ProcessImage.Environment();
            var tcache = MallocTunables.Wanted(args) ? MallocTunables.TcacheOffEntry(environment) : null;
            byte[][] added = [
                .. tcache is null ? [] : new[] { tcache },
                System.Text.Encoding.UTF8.GetBytes($"{MarkerVariable}=1"),
                System.Text.Encoding.UTF8.GetBytes($"{CommandVariable}={System.Text.Json.JsonSerializer.Serialize(command)}"),
            ];
            return ProcessImage.Replace(
                Path.Combine(overlay, "dotnet"),
                [.. new[] { "dotnet" }.Concat(command[1..]).Select(System.Text.Encoding.UTF8.GetBytes), .. RawArguments(args)],
                ProcessImage.Edit(environment, name => name is MarkerVariable or CommandVariable || (tcache is not null && name == MallocTunables.Variable), added));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"cannot read the environment to relaunch ({IO.Messages.FirstLine(e.Message)})";
        }
    }

    /// <summary>
    /// <paramref name="args"/> as the kernel holds them: the last <c>args.Length</c> entries of <c>/proc/self/cmdline</c>
    /// (the host's own arguments come first), so bytes that are not UTF-8 pass on unchanged; their UTF-8 form when
    /// that file cannot be read.
    /// </summary>
    private static IEnumerable<byte[]> RawArguments(string[] args)
    {
        try
        {
            var line = ProcessImage.CommandLine();
            if (line.Count >= args.Length)
            {
                return line.Skip(line.Count - args.Length);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return args.Select(System.Text.Encoding.UTF8.GetBytes);
    }

    /// <summary>Why this process did not relaunch although the compat root is there (for <see cref="TorchRuntime.EnsureLoaded"/>'s message); null otherwise.</summary>
    public static string? LastFailure { get; private set; }

    /// <summary>Set in the relaunched process: the command (JSON array) that starts the tool under the compat runtime, for its children (<c>sweep</c>).</summary>
    public const string CommandVariable = "LENET_COMPAT_COMMAND";

    /// <summary>
    /// In a process relaunched under the compat runtime: the executable and leading arguments that start the tool the
    /// same way (the tool's own arguments follow); null otherwise.
    /// </summary>
    public static string[]? SelfCommand()
    {
        if (Environment.GetEnvironmentVariable(MarkerVariable) != "1" || Environment.GetEnvironmentVariable(CommandVariable) is not { Length: > 0 } json)
        {
            return null;
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[]>(json) is { Length: > 1 } command ? command : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The compat root folder: <c>$LENET_COMPAT_ROOT</c>, else <c>${XDG_CACHE_HOME:-~/.cache}/lenet-fashion/compat-root</c> (as scripts/compat-runtime.sh).</summary>
    public static string CompatRoot() =>
        Environment.GetEnvironmentVariable("LENET_COMPAT_ROOT") is { Length: > 0 } root ? root : Path.Combine(CacheBase(), "compat-root");

    private static string CacheBase() =>
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/tmp", ".cache"),
            "lenet-fashion");

    private static string Loader => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "ld-linux-aarch64.so.1" : "ld-linux-x86-64.so.2";

    private static string? LibDir() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => Path.Combine(CompatRoot(), "usr", "lib", "x86_64-linux-gnu"),
        Architecture.Arm64 => Path.Combine(CompatRoot(), "usr", "lib", "aarch64-linux-gnu"),
        _ => null,
    };

    /// <summary>Whether the build's patch made this app host use a loader outside the system's folders.</summary>
    private static bool ProcessIsPatchedAppHost() => TorchRuntime.RunningUnderCompatLoader() && LoaderIsMapped();

    private static bool LoaderIsMapped()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Any(l => l.Contains("/ld-linux", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The overlay folder for <paramref name="dotnetRoot"/>: the loader as <c>dotnet</c>, <c>host</c> and <c>shared</c> linked to the real root's.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string Overlay(string loader, string dotnetRoot)
    {
        // Inside the compat root (writable when it was fetched), else in the temporary folder (a shared, read-only root).
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dotnetRoot)))[..12];
        try
        {
            return Overlay(Path.Combine(CompatRoot(), $".dotnet-overlay-{hash}"), loader, dotnetRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Overlay(Path.Combine(Path.GetTempPath(), $"lenet-fashion-{Environment.UserName}", $"dotnet-overlay-{hash}"), loader, dotnetRoot);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string Overlay(string overlay, string loader, string dotnetRoot)
    {
        var host = Path.Combine(overlay, "dotnet");
        if (File.Exists(host) && new FileInfo(host).Length == new FileInfo(loader).Length
            && Directory.Exists(Path.Combine(overlay, "host")) && Directory.Exists(Path.Combine(overlay, "shared")))
        {
            return overlay;
        }

        // Built beside and renamed into place, so that two first runs at once cannot see half an overlay.
        var tmp = $"{overlay}.tmp.{Environment.ProcessId}";
        Directory.CreateDirectory(tmp);
        File.Copy(loader, Path.Combine(tmp, "dotnet"), overwrite: true);
        File.SetUnixFileMode(Path.Combine(tmp, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.CreateSymbolicLink(Path.Combine(tmp, "host"), Path.Combine(dotnetRoot, "host"));
        File.CreateSymbolicLink(Path.Combine(tmp, "shared"), Path.Combine(dotnetRoot, "shared"));
        try
        {
            if (Directory.Exists(overlay))
            {
                Directory.Delete(overlay, recursive: true);
            }

            Directory.Move(tmp, overlay);
        }
        catch (IOException) when (Directory.Exists(overlay))
        {
            Directory.Delete(tmp, recursive: true); // another process made it first
        }

        return overlay;
    }
}
