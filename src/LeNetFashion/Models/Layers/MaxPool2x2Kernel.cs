using System.Runtime.Intrinsics;

namespace LeNetFashion.Models.Layers;

/// <summary>
/// The 2 × 2, stride-2 max-pool kernel for contiguous float32 NCHW planes on the CPU, choosing the same
/// element as LibTorch's <c>max_pool2d</c> in every case: the first maximum in row-major window order
/// (a strict <c>&gt;</c> comparison, so ties keep the earlier element and a zero keeps its sign), and a NaN
/// wins over numbers, the last NaN over earlier ones (LibTorch's <c>(val &gt; maxval) || isnan(val)</c>).
/// </summary>
/// <remarks>
/// Row-major order over the window a = (0, 0), b = (0, 1), c = (1, 0), d = (1, 1) is evaluated as top = pick(a, b),
/// bottom = pick(c, d), result = pick(top, bottom), where pick(x, y) = y when y &gt; x or y is NaN, else x; this
/// equals the sequential scan because every element of the top pair comes before every element of the bottom
/// pair. Eight floats of a row pair (four windows) are handled per step with 256-bit vectors: the odd columns are
/// brought onto the even lanes with an in-lane swap, and the 32-bit index of each window, masked to the even
/// lanes, is already the 64-bit index that <c>gather</c> takes. Odd widths or a width that is not a multiple of 8
/// use the scalar loop for the rest of the row.
/// </remarks>
internal static unsafe class MaxPool2x2Kernel
{
    /// <summary>
    /// For each plane of <paramref name="planes"/> planes of <paramref name="height"/> × <paramref name="width"/>
    /// floats at <paramref name="source"/>, writes the index within the plane of each window's chosen element
    /// (row-major, <c>[planes, height / 2 × width / 2]</c>) to <paramref name="indices"/> and, when
    /// <paramref name="values"/> is not null, the element itself.
    /// </summary>
    /// <param name="source">The input, <c>[planes, height, width]</c>, contiguous.</param>
    /// <param name="indices">Output, <c>[planes, height / 2, width / 2]</c> int64 indices into each plane; may be null when only values are wanted.</param>
    /// <param name="values">Output, <c>[planes, height / 2, width / 2]</c>, or null.</param>
    /// <param name="planes">N × C.</param>
    /// <param name="height">Plane height, even.</param>
    /// <param name="width">Plane width, even.</param>
    public static void Run(float* source, long* indices, float* values, long planes, int height, int width)
    {
        var outHeight = height / 2;
        var outWidth = width / 2;
        var vectorWidth = Vector256.IsHardwareAccelerated ? width - (width % 8) : 0;
        var swapPairs = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);
        var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var evenLanes = Vector256.Create(-1, 0, -1, 0, -1, 0, -1, 0);
        var evenFirst = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var one = Vector256<int>.One;
        var rowStep = Vector256.Create(width);
        for (long p = 0; p < planes; p++)
        {
            var plane = source + (p * height * width);
            var outPlane = p * outHeight * outWidth;
            for (var oy = 0; oy < outHeight; oy++)
            {
                var r0 = plane + (2 * oy * width);
                var r1 = r0 + width;
                var outRow = outPlane + ((long)oy * outWidth);
                var rowBase = 2 * oy * width;
                var j = 0;
                for (; j < vectorWidth; j += 8)
                {
                    var a = Vector256.Load(r0 + j);
                    var c = Vector256.Load(r1 + j);
                    var b = Vector256.Shuffle(a, swapPairs);
                    var d = Vector256.Shuffle(c, swapPairs);
                    var topPick = Vector256.GreaterThan(b, a) | ~Vector256.Equals(b, b);
                    var top = Vector256.ConditionalSelect(topPick, b, a);
                    var bottomPick = Vector256.GreaterThan(d, c) | ~Vector256.Equals(d, d);
                    var bottom = Vector256.ConditionalSelect(bottomPick, d, c);
                    var pick = Vector256.GreaterThan(bottom, top) | ~Vector256.Equals(bottom, bottom);
                    var topOffset = topPick.AsInt32() & one;
                    var bottomOffset = rowStep + (bottomPick.AsInt32() & one);
                    var offset = Vector256.ConditionalSelect(pick.AsInt32(), bottomOffset, topOffset);
                    var index = (offset + lanes + Vector256.Create(rowBase + j)) & evenLanes;
                    if (indices is not null)
                    {
                        index.AsInt64().Store(indices + outRow + (j / 2));
                    }

                    if (values is not null)
                    {
                        var chosen = Vector256.ConditionalSelect(pick, bottom, top);
                        Vector256.Shuffle(chosen, evenFirst).GetLower().Store(values + outRow + (j / 2));
                    }
                }

                for (; j + 1 < width; j += 2)
                {
                    var (value, offset) = Pick(r0[j], 0, r0[j + 1], 1);
                    var (bottom, bottomOffset) = Pick(r1[j], width, r1[j + 1], width + 1);
                    (value, offset) = Pick(value, offset, bottom, bottomOffset);
                    if (indices is not null)
                    {
                        indices[outRow + (j / 2)] = rowBase + j + offset;
                    }

                    if (values is not null)
                    {
                        values[outRow + (j / 2)] = value;
                    }
                }
            }
        }
    }

    private static (float Value, int Offset) Pick(float x, int xOffset, float y, int yOffset) =>
        y > x || float.IsNaN(y) ? (y, yOffset) : (x, xOffset);
}
