namespace LeNetFashion.Runtime;

/// <summary>Where LibTorch computes (the <c>--device</c> values; stored lower-case in JSON).</summary>
public enum ComputeDevice
{
    /// <summary>CUDA when available, else the CPU; resolved before a run starts, never stored.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through CUDA.</summary>
    Cuda,
}
