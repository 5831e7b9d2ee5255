using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Reporting;

/// <summary>
/// A torchsummary-style model summary (layers, output shapes, parameter counts, memory estimate) with an extra
/// multiply-accumulate column, measured by running one forward pass through the model, so it follows whatever the
/// model's <c>forward</c> does rather than a hard-coded layer list.
/// </summary>
/// <remarks>
/// Layout and size formulas follow torchsummary 1.5 (github.com/sksq96/pytorch-summary, <c>torchsummary/torchsummary.py</c>):
/// sizes assume float32 (4 bytes per number) and MB means 1024² bytes. Multiply-accumulates follow torchinfo's
/// convention (bias additions not counted). Unlike torchsummary, which hooks every module except containers,
/// this hooks leaf modules only (modules with no children), so user-defined composite modules are shown through
/// their layers; for models built from standard layers, Sequential and fields (as <c>LeNet</c>) both give the same rows.
/// </remarks>
public sealed class ModelSummary
{
    /// <summary>Batch size of the probe forward pass; torchsummary uses 2 so that batch norm works in training mode.</summary>
    public const int ProbeBatchSize = 2;

    /// <summary>Bytes per number assumed by all sizes (float32), as torchsummary assumes.</summary>
    public const double BytesPerNumber = 4.0;

    /// <summary>Bytes per megabyte as torchsummary counts it: 1024².</summary>
    public const double BytesPerMegabyte = 1024.0 * 1024.0;

    private const string ThinRule = "----------------------------------------------------------------";
    private const string ThickRule = "================================================================";

    private readonly SummaryRow[] _rows;
    private readonly long[] _inputSize;

    private ModelSummary(SummaryRow[] rows, long[] inputSize)
    {
        _rows = rows;
        _inputSize = inputSize;

        foreach (var row in rows)
        {
            TotalParameters += row.Parameters;
            TotalMultAdds += row.MultAdds;
            if (row.Trainable)
            {
                TrainableParameters += row.Parameters;
            }
        }

        // torchsummary keeps batch_size = -1 in these products and takes abs() of the result; the order of the
        // floating-point operations is kept the same so the rounded figures agree to the last digit.
        var inputElements = inputSize.Aggregate(1L, (product, dimension) => product * dimension);
        var outputElements = rows.Sum(row => -ElementsPerImage(row.OutputShape));
        InputSizeMegabytes = Math.Abs(inputElements * -1 * BytesPerNumber / BytesPerMegabyte);
        ForwardBackwardPassSizeMegabytes = Math.Abs(2.0 * outputElements * BytesPerNumber / BytesPerMegabyte);
        ParametersSizeMegabytes = Math.Abs(TotalParameters * BytesPerNumber / BytesPerMegabyte);
        EstimatedTotalSizeMegabytes = ParametersSizeMegabytes + ForwardBackwardPassSizeMegabytes + InputSizeMegabytes;
    }

    /// <summary>One row per leaf-module call in the probe forward pass, in call order.</summary>
    public IReadOnlyList<SummaryRow> Rows => _rows;

    /// <summary>Shape of one input sample the summary was computed for, e.g. <c>[C, H, W]</c> = <c>[1, 28, 28]</c>.</summary>
    public IReadOnlyList<long> InputSize => _inputSize;

    /// <summary>
    /// Sum of <see cref="SummaryRow.Parameters"/> over the rows, a count of scalars (torchsummary's "Total params";
    /// a module called twice is counted twice, as there).
    /// </summary>
    public long TotalParameters { get; }

    /// <summary>Sum of <see cref="SummaryRow.Parameters"/> over rows whose layer is <see cref="SummaryRow.Trainable"/>, a count of scalars.</summary>
    public long TrainableParameters { get; }

    /// <summary><see cref="TotalParameters"/> − <see cref="TrainableParameters"/>, a count of scalars.</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>Sum of <see cref="SummaryRow.MultAdds"/>: multiply-accumulate operations for one image.</summary>
    public long TotalMultAdds { get; }

    /// <summary>Size of one input sample in MB (1024² bytes) at 4 bytes per number: |∏ input size × 4 / 1024²|.</summary>
    public double InputSizeMegabytes { get; }

    /// <summary>
    /// Activations for one image in MB (1024² bytes) at 4 bytes per number, doubled for their gradients:
    /// |2 × Σ output elements per image × 4 / 1024²|.
    /// </summary>
    public double ForwardBackwardPassSizeMegabytes { get; }

    /// <summary>Parameters in MB (1024² bytes) at 4 bytes per number: |<see cref="TotalParameters"/> × 4 / 1024²|.</summary>
    public double ParametersSizeMegabytes { get; }

    /// <summary>Sum of the parameter, forward/backward and input sizes, in MB (1024² bytes).</summary>
    public double EstimatedTotalSizeMegabytes { get; }

    /// <summary>
    /// Summarises <paramref name="model"/> by running one forward pass on zeros of shape
    /// <c>[<see cref="ProbeBatchSize"/>, ..inputSize]</c> in eval mode without gradients, with a forward hook on every
    /// leaf module. Hooks are removed and every module's training mode is restored afterwards.
    /// </summary>
    /// <param name="model">The model; its parameters' device and dtype are used for the probe input (CPU, float32 when it has none).</param>
    /// <param name="inputSize">Shape of one sample without the batch dimension, e.g. <c>[1, 28, 28]</c>; every dimension ≥ 1.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="inputSize"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputSize"/> is empty or has a dimension below 1.</exception>
    /// <exception cref="NotSupportedException">A leaf module's forward does not map one tensor to one tensor (e.g. an RNN), so its output cannot be hooked.</exception>
    /// <exception cref="InvalidOperationException">
    /// A leaf module with parameters was not reached by the hooks: the model calls it with <c>forward(x)</c>, which skips
    /// TorchSharp hooks, instead of <c>call(x)</c> (Sequential uses <c>call</c>), or never calls it.
    /// </exception>
    public static ModelSummary Compute(nn.Module<Tensor, Tensor> model, long[] inputSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSize);
        if (inputSize.Length == 0 || inputSize.Any(dimension => dimension < 1))
        {
            throw new ArgumentException(
                $"input size [{string.Join(", ", inputSize)}] is not a sample shape; expected one or more dimensions of at least 1, e.g. [1, 28, 28]",
                nameof(inputSize));
        }

        var leaves = LeafModules(model);
        var rows = new List<SummaryRow>();
        var reached = new HashSet<nn.Module>(ReferenceEqualityComparer.Instance);
        var removers = new List<Action>();
        var trainingModes = TrainingModes(model);
        try
        {
            foreach (var (name, leaf) in leaves)
            {
                if (leaf is not nn.Module<Tensor, Tensor> hookable)
                {
                    throw new NotSupportedException(
                        $"cannot summarise layer '{name}' ({leaf.GetType().Name}): only layers whose forward maps one tensor to one tensor can be hooked");
                }

                var remover = hookable.register_forward_hook((module, input, output) =>
                {
                    reached.Add(module);
                    rows.Add(Row(module, output, rows.Count + 1));
                    return output;
                });
                removers.Add(remover.remove);
            }

            model.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (device, dtype) = ProbeDeviceAndType(model);
            var probe = zeros([ProbeBatchSize, .. inputSize], dtype, device);
            model.call(probe);
        }
        finally
        {
            foreach (var remove in removers)
            {
                remove();
            }

            RestoreTrainingModes(model, trainingModes);
        }

        var missed = leaves.FirstOrDefault(leaf => !reached.Contains(leaf.Module) && OwnParameters(leaf.Module).Any());
        if (missed.Module is not null)
        {
            throw new InvalidOperationException(
                $"layer '{missed.Name}' ({missed.Module.GetType().Name}) has parameters but was not called through hooks; call it with call(x), not forward(x)");
        }

        return new ModelSummary([.. rows], [.. inputSize]);
    }

    /// <summary>
    /// Renders the summary as torchsummary prints it, with an extra right-aligned "Mult-Adds" column after "Param #"
    /// and a "Total mult-adds" line after the parameter totals. Numbers use invariant culture (thousands separated by
    /// commas, sizes with two decimals); lines end with <c>\n</c>, including the last.
    /// </summary>
    /// <returns>The table text.</returns>
    public string ToText()
    {
        var text = new StringBuilder();
        AppendLine(text, ThinRule);
        AppendLine(text, Columns("Layer (type)", "Output Shape", "Param #", "Mult-Adds"));
        AppendLine(text, ThickRule);
        foreach (var row in _rows)
        {
            AppendLine(text, Columns(row.Name, ShapeText(row.OutputShape), Count(row.Parameters), Count(row.MultAdds)));
        }

        AppendLine(text, ThickRule);
        AppendLine(text, $"Total params: {Count(TotalParameters)}");
        AppendLine(text, $"Trainable params: {Count(TrainableParameters)}");
        AppendLine(text, $"Non-trainable params: {Count(NonTrainableParameters)}");
        AppendLine(text, $"Total mult-adds: {Count(TotalMultAdds)}");
        AppendLine(text, ThinRule);
        AppendLine(text, $"Input size (MB): {Megabytes(InputSizeMegabytes)}");
        AppendLine(text, $"Forward/backward pass size (MB): {Megabytes(ForwardBackwardPassSizeMegabytes)}");
        AppendLine(text, $"Params size (MB): {Megabytes(ParametersSizeMegabytes)}");
        AppendLine(text, $"Estimated Total Size (MB): {Megabytes(EstimatedTotalSizeMegabytes)}");
        AppendLine(text, ThinRule);
        return text.ToString();
    }

    private static List<(string Name, nn.Module Module)> LeafModules(nn.Module model)
    {
        if (!model.children().Any())
        {
            return [(string.Empty, model)];
        }

        return [.. model.named_modules().Where(entry => !entry.module.children().Any()).Select(entry => (entry.name, entry.module))];
    }

    private static SummaryRow Row(nn.Module<Tensor, Tensor> module, Tensor output, int index)
    {
        var type = PyTorchTypeName(module.GetType());
        var shape = output.shape.ToArray();
        if (shape.Length > 0)
        {
            shape[0] = -1;
        }

        var parameters = OwnParameters(module).ToList();
        var count = parameters.Sum(parameter => parameter.numel());
        var trainable = parameters.Any(parameter => parameter.requires_grad);
        return new SummaryRow($"{type}-{index}", type, shape, count, trainable, MultAdds(module, shape));
    }

    private static long MultAdds(nn.Module module, long[] outputShape)
    {
        var outputElements = ElementsPerImage(outputShape);
        return module switch
        {
            TorchSharp.Modules.Convolution { transposed: false } convolution =>
                outputElements * (convolution.in_channels / convolution.groups) * convolution.kernel_size.Aggregate(1L, (product, size) => product * size),
            TorchSharp.Modules.Linear linear => outputElements * linear.in_features,
            _ => 0,
        };
    }

    private static long ElementsPerImage(long[] shape) => shape.Skip(1).Aggregate(1L, (product, dimension) => product * dimension);

    private static IEnumerable<Tensor> OwnParameters(nn.Module module) => module.parameters(recurse: false);

    /// <summary>TorchSharp's class names already match PyTorch's (Conv2d, MaxPool2d, …); drop a generic arity if any.</summary>
    private static string PyTorchTypeName(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private static (Device Device, ScalarType Type) ProbeDeviceAndType(nn.Module model)
    {
        var first = model.parameters().FirstOrDefault();
        if (first is null)
        {
            return (CPU, ScalarType.Float32);
        }

        return (first.device, first.is_floating_point() ? first.dtype : ScalarType.Float32);
    }

    private static List<(int Depth, nn.Module Module, bool Training)> TrainingModes(nn.Module model) =>
        [(0, model, model.training), .. model.named_modules().Select(entry => (entry.name.Count(c => c == '.') + 1, entry.module, entry.module.training))];

    /// <summary>train(bool) recurses into children, so restore parents before their descendants.</summary>
    private static void RestoreTrainingModes(nn.Module model, List<(int Depth, nn.Module Module, bool Training)> modes)
    {
        foreach (var (_, module, training) in modes.OrderBy(mode => mode.Depth))
        {
            if (module.training != training || ReferenceEquals(module, model))
            {
                module.train(training);
            }
        }
    }

    private static string Columns(string name, string shape, string parameters, string multAdds) =>
        $"{name,20}  {shape,25} {parameters,15} {multAdds,15}";

    private static string ShapeText(long[] shape) =>
        "[" + string.Join(", ", shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Megabytes(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static void AppendLine(StringBuilder text, string line) => text.Append(line).Append('\n');
}
