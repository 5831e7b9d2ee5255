using static TorchSharp.torch;

namespace LeNetFashion.Models.Layers;

/// <summary>Address of a CPU tensor's first element, for kernels that read or write tensor memory directly.</summary>
/// <remarks>
/// Through TorchSharp's public API only (<c>storage&lt;T&gt;()</c>, <c>data_ptr()</c>, <c>storage_offset()</c>): four
/// native calls, a few microseconds per pooling layer call, against a batch of milliseconds.
/// </remarks>
internal static class TensorMemory
{
    /// <summary>Address of element 0 of <paramref name="tensor"/> (a CPU tensor of <typeparamref name="T"/>).</summary>
    /// <typeparam name="T">The element type, matching the tensor's dtype.</typeparam>
    /// <param name="tensor">A CPU tensor.</param>
    /// <returns>The address; valid while the tensor is alive and not resized.</returns>
    public static unsafe T* Pointer<T>(Tensor tensor)
        where T : unmanaged
    {
        using var storage = tensor.storage<T>();
        return (T*)storage.data_ptr() + tensor.storage_offset();
    }
}
