using System.Runtime.Intrinsics;

namespace LeNetFashion.Training.Flat;

/// <summary>
/// One Adam step over flat float32 buffers in two managed passes around one LibTorch square root: the same float
/// operations, in the same order and with the same fused multiply-adds, as LibTorch's CPU kernels for the
/// whole-buffer operations that <see cref="Adam.step"/> otherwise makes (<c>add(alpha)</c>, <c>mul_</c>,
/// <c>add_(alpha)</c>, <c>mul_</c>, <c>addcmul_</c>, <c>sqrt</c>, division by a scalar, <c>add_</c>,
/// <c>addcdiv_</c>), so the parameters are bitwise the same (tested against TorchSharp's Adam).
/// </summary>
/// <remarks>
/// LibTorch (2.5, <c>aten/src/ATen/native/ufunc/add.h</c> and <c>cpu/PointwiseOpsKernel.cpp</c>) computes
/// <c>self + alpha · other</c> as one fused multiply-add, <c>addcmul</c> as <c>self + (value · t1) · t2</c> and
/// <c>addcdiv</c> as <c>self + (value · t1) / t2</c>; scalars are rounded to float32 first. Its float square root
/// is not always correctly rounded (MKL's vector math differed from <see cref="MathF.Sqrt"/> in 16 % of elements,
/// measured with <c>LeNetFashion.Bench 2 adamops</c>), so the square root stays LibTorch's.
/// </remarks>
internal static unsafe class AdamKernel
{
    /// <summary>
    /// The widest vectors used, in bits (256, or 0 for scalar code only); the hardware may allow less. Tests lower it
    /// to check each path against TorchSharp's Adam on any machine. (A 512-bit copy of the loops was no faster: 0.08–0.10 ms
    /// per LeNet step either way, <c>LeNetFashion.Bench</c> builds run alternately.)
    /// </summary>
    internal static int MaxVectorBits { get; set; } = 256;

    /// <summary>
    /// The first half of a step: weight decay into the gradient, then <c>m ← β₁m + (1 − β₁)g</c> and
    /// <c>v ← β₂v + (1 − β₂)g²</c>, with <c>v</c> also written to <paramref name="sqrtV"/> for LibTorch's square root.
    /// </summary>
    /// <param name="param">Parameters, read only.</param>
    /// <param name="grad">Gradients, read only.</param>
    /// <param name="expAvg">First moment estimate <c>m</c>, updated.</param>
    /// <param name="expAvgSq">Second moment estimate <c>v</c>, updated.</param>
    /// <param name="sqrtV">Receives <c>v</c>; the caller takes its square root in place.</param>
    /// <param name="count">Elements in each buffer.</param>
    /// <param name="s">The step's scalars, already rounded to float32 as LibTorch rounds them.</param>
    public static void Moments(float* param, float* grad, float* expAvg, float* expAvgSq, float* sqrtV, long count, in AdamScalars s)
    {
        long i = 0;
        if (MaxVectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            var (wd, b1, c1, b2, c2) = (Vector256.Create(s.WeightDecay), Vector256.Create(s.Beta1), Vector256.Create(s.OneMinusBeta1), Vector256.Create(s.Beta2), Vector256.Create(s.OneMinusBeta2));
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var g = Vector256.Load(grad + i);
                if (s.HasWeightDecay)
                {
                    g = Vector256.FusedMultiplyAdd(Vector256.Load(param + i), wd, g);
                }

                Vector256.FusedMultiplyAdd(g, c1, Vector256.Load(expAvg + i) * b1).Store(expAvg + i);
                var v = Vector256.FusedMultiplyAdd(c2 * g, g, Vector256.Load(expAvgSq + i) * b2);
                v.Store(expAvgSq + i);
                v.Store(sqrtV + i);
            }
        }

        for (; i < count; i++)
        {
            var g = grad[i];
            if (s.HasWeightDecay)
            {
                g = MathF.FusedMultiplyAdd(param[i], s.WeightDecay, g);
            }

            expAvg[i] = MathF.FusedMultiplyAdd(g, s.OneMinusBeta1, expAvg[i] * s.Beta1);
            var v = MathF.FusedMultiplyAdd(s.OneMinusBeta2 * g, g, expAvgSq[i] * s.Beta2);
            expAvgSq[i] = v;
            sqrtV[i] = v;
        }
    }

    /// <summary>The second half of a step: <c>p ← p + (−lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)</c>.</summary>
    /// <param name="param">Parameters, updated.</param>
    /// <param name="expAvg">First moment estimate <c>m</c> after <see cref="Moments"/>.</param>
    /// <param name="sqrtV">LibTorch's square root of <c>v</c> after <see cref="Moments"/>.</param>
    /// <param name="count">Elements in each buffer.</param>
    /// <param name="s">The step's scalars.</param>
    public static void Update(float* param, float* expAvg, float* sqrtV, long count, in AdamScalars s)
    {
        long i = 0;
        if (MaxVectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            var (bc2, eps, lr) = (Vector256.Create(s.SqrtBiasCorrection2), Vector256.Create(s.Eps), Vector256.Create(s.NegativeStepSize));
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var denom = (Vector256.Load(sqrtV + i) / bc2) + eps;
                (Vector256.Load(param + i) + (lr * Vector256.Load(expAvg + i) / denom)).Store(param + i);
            }
        }

        for (; i < count; i++)
        {
            var denom = (sqrtV[i] / s.SqrtBiasCorrection2) + s.Eps;
            param[i] += s.NegativeStepSize * expAvg[i] / denom;
        }
    }
}

/// <summary>
/// The scalars of one Adam step as LibTorch uses them: computed in double (as TorchSharp's Adam does) and rounded to
/// float32 once.
/// </summary>
/// <param name="HasWeightDecay">Whether the weight decay is non-zero (LibTorch then adds it to the gradient).</param>
/// <param name="WeightDecay">L2 weight decay.</param>
/// <param name="Beta1">β₁.</param>
/// <param name="OneMinusBeta1">1 − β₁, computed in double.</param>
/// <param name="Beta2">β₂.</param>
/// <param name="OneMinusBeta2">1 − β₂, computed in double.</param>
/// <param name="SqrtBiasCorrection2">√(1 − β₂ᵗ), computed in double.</param>
/// <param name="Eps">ε.</param>
/// <param name="NegativeStepSize">−lr / (1 − β₁ᵗ), computed in double.</param>
internal readonly record struct AdamScalars(
    bool HasWeightDecay, float WeightDecay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float SqrtBiasCorrection2, float Eps, float NegativeStepSize);
