using System.CommandLine;
using System.Diagnostics;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>
/// The <c>setup-runtime</c> verb: fetches the compat C++ runtime (Debian 13's libc6, libstdc++6 and libgcc-s1, about
/// 16 MB) into the compat root, on Linux hosts whose libstdc++ lacks <see cref="TorchRuntime.RequiredGlibcxx"/>
/// (Debian 12, Ubuntu 22.04), with the <c>scripts/compat-runtime.sh</c> carried in the tool (<c>fetch</c>). An installed
/// tool then runs itself under it (<see cref="CompatRelaunch"/>).
/// </summary>
internal sealed class SetupRuntimeCommand : Command
{
    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public SetupRuntimeCommand(TextWriter output, TextWriter error)
        : base("setup-runtime", $"On Linux hosts whose C++ runtime lacks {TorchRuntime.RequiredGlibcxx} (Debian 12, Ubuntu 22.04), which TorchSharp's native library needs: fetch Debian 13's libc6, libstdc++6 and libgcc-s1 (about 16 MB, with apt from this machine's Debian archive) into $LENET_COMPAT_ROOT or ~/.cache/lenet-fashion/compat-root, under which the tool then runs by itself. Nothing is installed system-wide. Does nothing where the host's runtime is new enough.")
    {
        Options.Add(_verbose);
        Action = new SetupRuntimeAction(output, error, _verbose);
    }

    private sealed class SetupRuntimeAction(TextWriter output, TextWriter error, Option<bool> verbose) : VerbAction(output, error, verbose)
    {
        protected override int Run(ParseResult parse)
        {
            if (TorchRuntime.HostHasGlibcxx())
            {
                Output.WriteLine($"Nothing to do: this host's C++ runtime has {TorchRuntime.RequiredGlibcxx} (or it is not Linux), so TorchSharp loads without the compat runtime");
                return ExitCodes.Success;
            }

            var script = Path.Combine(Path.GetTempPath(), $"lenet-compat-runtime-{Environment.ProcessId}.sh");
            using (var resource = typeof(SetupRuntimeCommand).Assembly.GetManifestResourceStream("compat-runtime.sh")
                ?? throw new InvalidOperationException("the compat-runtime script is missing from this build"))
            using (var file = File.Create(script))
            {
                resource.CopyTo(file);
            }

            try
            {
                using var bash = Process.Start(new ProcessStartInfo("bash", [script, "fetch"]) { UseShellExecute = false })
                    ?? throw new IOException("setup-runtime: cannot start bash");
                bash.WaitForExit();
                if (bash.ExitCode != 0)
                {
                    Error.WriteLine($"error: setup-runtime: fetching the compat runtime failed (exit {bash.ExitCode}; the line above says why); nothing was changed in {CompatRelaunch.CompatRoot()}");
                    return ExitCodes.RuntimeUnavailable;
                }
            }
            finally
            {
                File.Delete(script);
            }

            Output.WriteLine($"The compat runtime is in {CompatRelaunch.CompatRoot()}; lenet-fashion now runs under it by itself on this host");
            return ExitCodes.Success;
        }
    }
}
