using LeNetFashion.Cli;
using LeNetFashion.Runtime;

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
