using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// How many samples of a training batch the logits classify correctly: <c>logits.argmax(1).eq(labels).sum()</c>,
/// counted in managed memory for CPU tensors (one pass over <c>[N, C]</c> floats instead of four native operations
/// and three temporary tensors per batch).
/// </summary>
internal static class BatchAccuracy
{
    /// <summary>Counts the rows of <paramref name="logits"/> whose first maximum is at the row's label.</summary>
    /// <param name="logits">Logits <c>[N, C]</c>.</param>
    /// <param name="labels">Class indices <c>[N]</c>, int64.</param>
    /// <returns>
    /// The count, equal to LibTorch's <c>argmax(1).eq(labels).sum()</c>: ties go to the first maximum and a NaN counts
    /// as the maximum, as in LibTorch.
    /// </returns>
    public static long Correct(Tensor logits, Tensor labels)
    {
        if (logits.device_type != TorchSharp.DeviceType.CPU || logits.dtype != ScalarType.Float32 || labels.dtype != ScalarType.Int64
            || logits.dim() != 2 || !logits.is_contiguous() || !labels.is_contiguous())
        {
            using var predicted = logits.argmax(1);
            using var equal = predicted.eq(labels);
            using var sum = equal.sum();
            return sum.item<long>();
        }

        var rows = logits.shape[0];
        var classes = (int)logits.shape[1];
        long correct = 0;
        unsafe
        {
            var x = Models.Layers.TensorMemory.Pointer<float>(logits);
            var y = Models.Layers.TensorMemory.Pointer<long>(labels);
            for (long r = 0; r < rows; r++)
            {
                var row = x + (r * classes);
                var best = 0;
                for (var c = 1; c < classes && !float.IsNaN(row[best]); c++)
                {
                    if (row[c] > row[best] || float.IsNaN(row[c]))
                    {
                        best = c;
                    }
                }

                if (best == y[r])
                {
                    correct++;
                }
            }
        }

        return correct;
    }
}
