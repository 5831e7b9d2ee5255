using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LeNetFashion.Models.Layers;

/// <summary>Address of a CPU tensor's first element, for kernels that read or write tensor memory directly.</summary>
/// <remarks>
/// TorchSharp's public route (<c>tensor.storage&lt;T&gt;()</c>, <c>data_ptr()</c>, <c>storage_offset()</c>, two disposals)
/// makes four native calls; LibTorchSharp's own <c>THSTensor_data</c> (the function behind TorchSharp's
/// <c>data&lt;T&gt;()</c>, returning <c>at::Tensor::data_ptr()</c>, offset included) makes one. The public route is
/// the fallback when that entry point cannot be bound.
/// </remarks>
internal static class TensorMemory
{
    private static bool _direct = true;

    /// <summary>Address of element 0 of <paramref name="tensor"/> (a CPU tensor of <typeparamref name="T"/>).</summary>
    /// <typeparam name="T">The element type, matching the tensor's dtype.</typeparam>
    /// <param name="tensor">A CPU tensor.</param>
    /// <returns>The address; valid while the tensor is alive and not resized.</returns>
    public static unsafe T* Pointer<T>(Tensor tensor)
        where T : unmanaged
    {
        if (_direct)
        {
            try
            {
                return (T*)THSTensor_data(tensor.Handle);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _direct = false;
            }
        }

        using var storage = tensor.storage<T>();
        return (T*)storage.data_ptr() + tensor.storage_offset();
    }

#pragma warning disable SA1300, CA5392 // LibTorchSharp's function name; the library is TorchSharp's own, already loaded
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr tensor);
#pragma warning restore SA1300, CA5392
}
