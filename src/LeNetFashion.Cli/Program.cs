using LeNetFashion.Cli;
using LeNetFashion.Runtime;

// A closed standard stream (`>&-`) would fail at the first line with a message that names no file.
if (StandardStreams.Closed() is { } closed)
{
    try
    {
        Console.Error.WriteLine($"error: {closed} is closed or not writable; send it to a file or to /dev/null instead (for example >/dev/null)");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
    }

    return ExitCodes.OutputError;
}

// A closed standard error (2>&-) would make the first error line abort the process: errors then go nowhere, as asked.
if (StandardStreams.Writable(2) is false)
{
    Console.SetError(TextWriter.Null);
}

// An installed tool (or `dotnet lenet-fashion.dll`) on a host whose C++ runtime is too old for TorchSharp runs itself
// again under the compat runtime, when `setup-runtime` has fetched it; built app hosts are patched instead.
if (args is not ["setup-runtime", ..])
{
    CompatRelaunch.RelaunchIfNeeded(args);
}

// `train` starts again with glibc's per-thread malloc cache off, which keeps LibTorch's heap from fragmenting
// (Runtime/MallocTunables.cs); a relaunch under the compat runtime has set it already.
MallocTunables.RelaunchIfNeeded(args);

return CliApp.Run(args);
