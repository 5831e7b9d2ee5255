using System.Runtime.CompilerServices;
using Xunit;

namespace LeNetFashion.Tests;

/// <summary>
/// A fact that runs only where CUDA is available (a TorchSharp-cuda build on a machine with an NVIDIA GPU),
/// after dotnet/TorchSharp's hardware-gated tests; elsewhere it is reported as skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!TorchSharp.torch.cuda.is_available())
        {
            Skip = "CUDA is not available (CPU backend or no NVIDIA GPU); build with -p:TorchBackend=cuda on a GPU machine";
        }
    }
}
