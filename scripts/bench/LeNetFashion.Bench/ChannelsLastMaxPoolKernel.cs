using System.Runtime.Intrinsics;

// A copy of the managed channels-last max-pool kernel that was tried in the tool and dropped (scripts/bench/README.md),
// kept here to reproduce the memory growth it showed as a TorchSharp autograd function.


/// <summary>
/// 2 × 2, stride-2 max pooling of float32 activations in channels-last memory (<c>[N, H, W, C]</c> in memory, a
/// <c>[N, C, H, W]</c> tensor with strides <c>(H·W·C, 1, W·C, C)</c>), optionally with the ReLU before it fused in,
/// forward and backward, bitwise as LibTorch's <c>max_pool2d</c> (its channels-last kernel) after <c>relu</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each window's element is the one LibTorch picks: the first maximum in row-major window order (a strict
/// <c>&gt;</c>, so ties keep the earlier element and a zero keeps its sign), and a NaN wins, the last NaN over earlier
/// ones (<c>(val &gt; maxval) | isnan(val)</c> in <c>cpu_max_pool_channels_last</c>). The window a = (0, 0), b = (0, 1),
/// c = (1, 0), d = (1, 1) is evaluated as pick(pick(a, b), pick(c, d)), which equals the sequential scan because both
/// top elements come before both bottom ones. The C values of one position are contiguous, so eight channels are
/// compared per 256-bit step with no shuffles; odd H or W drop the last row or column (floor), as LibTorch does.
/// </para>
/// <para>
/// With <c>relu</c>, each element is first mapped as LibTorch's <c>relu</c> (<c>clamp_min(x, 0)</c>: <c>0 &gt; x ? 0 : x</c>,
/// so <c>-0</c> and NaN pass unchanged), and the backward applies <c>threshold_backward</c> at the chosen element
/// (<c>r ≤ 0 ? 0 : g</c>). The backward writes every element of the input gradient once: <c>0 + g</c> at the chosen
/// element (LibTorch adds the gradient into zeros, which turns <c>-0</c> into <c>+0</c>) and <c>+0</c> elsewhere, so no
/// separate zero fill is needed. Windows do not overlap, so the result is exact.
/// </para>
/// </remarks>
internal static unsafe class ChannelsLastMaxPoolKernel
{
    /// <summary>Writes the pooled values.</summary>
    /// <param name="source">Input, <c>[n, height, width, channels]</c> contiguous.</param>
    /// <param name="output">Output, <c>[n, height / 2, width / 2, channels]</c> contiguous.</param>
    /// <param name="n">Batch size.</param>
    /// <param name="height">Input height (≥ 2).</param>
    /// <param name="width">Input width (≥ 2).</param>
    /// <param name="channels">Channels.</param>
    /// <param name="relu">Whether to apply ReLU to each element first.</param>
    public static void Forward(float* source, float* output, long n, int height, int width, int channels, bool relu)
    {
        var outHeight = height / 2;
        var outWidth = width / 2;
        var vectorEnd = Vector256.IsHardwareAccelerated ? channels - (channels % 8) : 0;
        long rowStride = (long)width * channels;
        for (long b = 0; b < n; b++)
        {
            for (var oy = 0; oy < outHeight; oy++)
            {
                var row = source + (((b * height) + (2 * oy)) * rowStride);
                var outRow = output + (((b * outHeight) + oy) * (long)outWidth * channels);
                for (var ox = 0; ox < outWidth; ox++)
                {
                    var pa = row + (2L * ox * channels);
                    var pb = pa + channels;
                    var pc = pa + rowStride;
                    var pd = pc + channels;
                    var po = outRow + ((long)ox * channels);
                    var k = 0;
                    for (; k < vectorEnd; k += 8)
                    {
                        var (value, _, _, _) = PickVector(pa + k, pb + k, pc + k, pd + k, relu);
                        value.Store(po + k);
                    }

                    for (; k < channels; k++)
                    {
                        po[k] = PickScalar(pa[k], pb[k], pc[k], pd[k], relu, out _);
                    }
                }
            }
        }
    }

    /// <summary>Writes the gradient with respect to the input (before the ReLU when <paramref name="relu"/>).</summary>
    /// <param name="source">The forward's input, <c>[n, height, width, channels]</c> contiguous.</param>
    /// <param name="gradOutput">Gradient of the output, <c>[n, height / 2, width / 2, channels]</c> contiguous.</param>
    /// <param name="gradInput">Output, <c>[n, height, width, channels]</c> contiguous; every element is written.</param>
    /// <param name="n">Batch size.</param>
    /// <param name="height">Input height (≥ 2).</param>
    /// <param name="width">Input width (≥ 2).</param>
    /// <param name="channels">Channels.</param>
    /// <param name="relu">Whether the forward applied ReLU first.</param>
    public static void Backward(float* source, float* gradOutput, float* gradInput, long n, int height, int width, int channels, bool relu)
    {
        var outHeight = height / 2;
        var outWidth = width / 2;
        var vectorEnd = Vector256.IsHardwareAccelerated ? channels - (channels % 8) : 0;
        long rowStride = (long)width * channels;
        for (long b = 0; b < n; b++)
        {
            for (var oy = 0; oy < outHeight; oy++)
            {
                var offset = ((b * height) + (2 * oy)) * rowStride;
                var row = source + offset;
                var gradRow = gradInput + offset;
                var outRow = gradOutput + (((b * outHeight) + oy) * (long)outWidth * channels);
                for (var ox = 0; ox < outWidth; ox++)
                {
                    var at = 2L * ox * channels;
                    var pa = row + at;
                    var ga = gradRow + at;
                    var gb = ga + channels;
                    var gc = ga + rowStride;
                    var gd = gc + channels;
                    var po = outRow + ((long)ox * channels);
                    var k = 0;
                    for (; k < vectorEnd; k += 8)
                    {
                        var (value, topPick, bottomPick, pick) = PickVector(pa + k, pa + channels + k, pa + rowStride + k, pa + rowStride + channels + k, relu);
                        var g = Vector256<float>.Zero + Vector256.Load(po + k);
                        if (relu)
                        {
                            g = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(value, Vector256<float>.Zero), Vector256<float>.Zero, g);
                        }

                        var top = Vector256.AndNot(g, pick);
                        var bottom = g & pick;
                        Vector256.AndNot(top, topPick).Store(ga + k);
                        (top & topPick).Store(gb + k);
                        Vector256.AndNot(bottom, bottomPick).Store(gc + k);
                        (bottom & bottomPick).Store(gd + k);
                    }

                    for (; k < channels; k++)
                    {
                        var value = PickScalar(pa[k], pa[channels + k], pa[rowStride + k], pa[rowStride + channels + k], relu, out var chosen);
                        var g = 0f + po[k];
                        if (relu && value <= 0f)
                        {
                            g = 0f;
                        }

                        ga[k] = chosen == 0 ? g : 0f;
                        gb[k] = chosen == 1 ? g : 0f;
                        gc[k] = chosen == 2 ? g : 0f;
                        gd[k] = chosen == 3 ? g : 0f;
                    }
                }

                if (width % 2 != 0)
                {
                    new Span<float>(gradRow + rowStride - channels, channels).Clear();
                    new Span<float>(gradRow + (2 * rowStride) - channels, channels).Clear();
                }
            }

            if (height % 2 != 0)
            {
                var lastRow = gradInput + (((b * height) + height - 1) * rowStride);
                new Span<float>(lastRow, checked((int)rowStride)).Clear();
            }
        }
    }

    private static (Vector256<float> Value, Vector256<float> TopPick, Vector256<float> BottomPick, Vector256<float> Pick) PickVector(float* pa, float* pb, float* pc, float* pd, bool relu)
    {
        var a = Vector256.Load(pa);
        var b = Vector256.Load(pb);
        var c = Vector256.Load(pc);
        var d = Vector256.Load(pd);
        if (relu)
        {
            a = Relu(a);
            b = Relu(b);
            c = Relu(c);
            d = Relu(d);
        }

        var topPick = Vector256.GreaterThan(b, a) | ~Vector256.Equals(b, b);
        var top = Vector256.ConditionalSelect(topPick, b, a);
        var bottomPick = Vector256.GreaterThan(d, c) | ~Vector256.Equals(d, d);
        var bottom = Vector256.ConditionalSelect(bottomPick, d, c);
        var pick = Vector256.GreaterThan(bottom, top) | ~Vector256.Equals(bottom, bottom);
        return (Vector256.ConditionalSelect(pick, bottom, top), topPick, bottomPick, pick);
    }

    private static Vector256<float> Relu(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<float>.Zero, x), Vector256<float>.Zero, x);

    private static float Relu(float x) => 0f > x ? 0f : x;

    private static float PickScalar(float a, float b, float c, float d, bool relu, out int chosen)
    {
        if (relu)
        {
            (a, b, c, d) = (Relu(a), Relu(b), Relu(c), Relu(d));
        }

        var (top, topIndex) = b > a || float.IsNaN(b) ? (b, 1) : (a, 0);
        var (bottom, bottomIndex) = d > c || float.IsNaN(d) ? (d, 3) : (c, 2);
        (var value, chosen) = bottom > top || float.IsNaN(bottom) ? (bottom, bottomIndex) : (top, topIndex);
        return value;
    }
}
