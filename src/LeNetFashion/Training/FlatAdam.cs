using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeNetFashion.Training.Flat;

/// <summary>
/// PyTorch's Adam (TorchSharp's <see cref="TorchSharp.Modules.Adam"/>, same arithmetic) with the parameters,
/// gradients and both moment estimates kept as views into four flat buffers, so that one step is eight
/// whole-buffer LibTorch 2.10 operations instead of about ten per parameter tensor, and <see cref="zero_grad"/> is one.
/// Used for <c>--optimizer adam</c> unless <c>--kernels libtorch</c> (<see cref="Runtime.Kernels"/>) asks for
/// TorchSharp's own Adam.
/// </summary>
/// <remarks>
/// <para>
/// For the tutorial's LeNet (10 parameter tensors) TorchSharp's Adam makes about 100 native calls per step
/// (<c>scripts/bench/README.md</c>); at 2–3 µs each that is several per cent of a batch.
/// The update per element is the same expression in the same order as TorchSharp's (weight decay added to
/// the gradient, <c>m ← β₁m + (1 − β₁)g</c>, <c>v ← β₂v + (1 − β₂)g²</c>,
/// <c>p ← p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)</c>), so parameters after every step are
/// bitwise equal to TorchSharp's Adam (tested over many steps).
/// </para>
/// <para>
/// The class is named <c>Adam</c> because TorchSharp writes the optimizer's class name into
/// <c>optimizer.dat</c>: checkpoints written with either optimizer load into the other, and the per-parameter
/// state layout of the file is unchanged.
/// </para>
/// <para>
/// On construction each parameter's storage is moved into the flat parameter buffer (values kept) and its
/// gradient is set to a view of the flat gradient buffer; gradients then accumulate in place. Loading a state
/// dict into the module (<c>load_state_dict</c>) copies into the same storage and keeps the views.
/// </para>
/// </remarks>
#pragma warning disable CA1711 // the name is the point: TorchSharp stores it in optimizer.dat
public sealed class Adam : TorchSharp.Modules.Adam
#pragma warning restore CA1711
{
    private readonly Tensor _params;
    private readonly Tensor _grads;
    private readonly Tensor _expAvg;
    private readonly Tensor _expAvgSq;
    private readonly List<State> _states = [];
    private readonly bool _singleThreaded;

    /// <summary>
    /// CPU buffers up to this many elements are updated on one LibTorch thread: the update is element-wise (no
    /// reduction, so the result does not depend on the thread count), and for the tutorial's 44,426 parameters
    /// OpenMP's fork and join around each of the eight operations cost more than the second thread saves
    /// (0.13–0.14 ms against 0.20–0.21 ms per step with 2 threads, measured on alternate batches in one process).
    /// </summary>
    public const long SingleThreadMaxElements = 1 << 18;

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group, all float32 on one device).</summary>
    /// <param name="parameters">Parameters to optimise; they are re-homed into a flat buffer.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment (PyTorch default 0.9).</param>
    /// <param name="beta2">Decay of the second moment (PyTorch default 0.999).</param>
    /// <param name="eps">Added to the denominator (PyTorch default 1e-8).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (PyTorch default 0).</param>
    /// <exception cref="ArgumentException">Parameters of mixed types or devices, or none.</exception>
    public Adam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
        var list = _parameter_groups.SelectMany(g => g.Parameters).ToList();
        if (list.Count == 0 || list.Any(p => p.dtype != list[0].dtype || p.device_type != list[0].device_type || p.device_index != list[0].device_index))
        {
            throw new ArgumentException("the flat Adam needs at least one parameter, all of one type and on one device");
        }

        var total = list.Sum(p => p.numel());
        _params = empty(total, dtype: list[0].dtype, device: list[0].device);
        _grads = zeros(total, dtype: list[0].dtype, device: list[0].device);
        _expAvg = zeros(total, dtype: list[0].dtype, device: list[0].device);
        _expAvgSq = zeros(total, dtype: list[0].dtype, device: list[0].device);
        _singleThreaded = list[0].device_type == TorchSharp.DeviceType.CPU && total <= SingleThreadMaxElements;
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var p in list)
        {
            var n = p.numel();
            var state = (State)_state[p.Handle];
            using (var view = _params.narrow(0, offset, n).view(p.shape))
            {
                view.copy_(p);
                p.set_(view);
            }

            p.grad = _grads.narrow(0, offset, n).view(p.shape);
            state.exp_avg.Dispose();
            state.exp_avg = _expAvg.narrow(0, offset, n).view(p.shape);
            state.exp_avg_sq.Dispose();
            state.exp_avg_sq = _expAvgSq.narrow(0, offset, n).view(p.shape);
            _states.Add(state);
            offset += n;
        }
    }

    /// <summary>Zeroes all gradients (one operation on the flat gradient buffer, on one thread for small CPU buffers).</summary>
    public override void zero_grad()
    {
        using var oneThread = new OneThread(_singleThreaded);
        _grads.zero_();
    }

    /// <summary>One Adam update of all parameters, with the group's current learning rate.</summary>
    /// <param name="closure">Not supported; must be null.</param>
    /// <returns>Null.</returns>
    /// <exception cref="NotSupportedException">A closure was given.</exception>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null)
        {
            throw new NotSupportedException("the flat Adam takes no closure");
        }

        var options = (Options)_parameter_groups[0].Options;
        var (beta1, beta2, eps, lr, weightDecay) = (options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.LearningRate!.Value, options.weight_decay!.Value);
        foreach (var s in _states)
        {
            s.step += 1;
        }

        var step = _states[0].step;
        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2 = 1 - Math.Pow(beta2, step);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var oneThread = new OneThread(_singleThreaded);
        var grad = weightDecay != 0 ? _grads.add(_params, alpha: weightDecay) : _grads;
        _expAvg.mul_(beta1).add_(grad, alpha: 1 - beta1);
        _expAvgSq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
        var denom = (_expAvgSq.sqrt() / Math.Sqrt(biasCorrection2)).add_(eps);
        _params.addcdiv_(_expAvg, denom, value: -(lr / biasCorrection1));
        return null!;
    }

    /// <summary>When enabled, sets LibTorch's intra-op threads to 1 until disposed, then back.</summary>
    private readonly struct OneThread : IDisposable
    {
        private readonly int _threads;

        public OneThread(bool enabled)
        {
            _threads = enabled ? get_num_threads() : 1;
            if (_threads > 1)
            {
                set_num_threads(1);
            }
        }

        public void Dispose()
        {
            if (_threads > 1)
            {
                set_num_threads(_threads);
            }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _params.Dispose();
            _grads.Dispose();
            _expAvg.Dispose();
            _expAvgSq.Dispose();
        }
    }
}
