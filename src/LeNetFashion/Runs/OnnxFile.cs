using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using LeNetFashion.Models;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Runs;

/// <summary>
/// Writes a model as an ONNX graph (ONNX Runtime, ML.NET's <c>ApplyOnnxModel</c>, Windows ML, onnxruntime-web), built
/// layer by layer from the network's modules: any architecture made of the layers below exports, whatever its
/// registry entry. The graph is self-contained: input <c>input</c> <c>[N, C, H, W]</c> float32, the pixels divided by
/// 255 (a consumer computes <c>byte / 255f</c>), with a symbolic batch dimension <c>N</c>; the model's preprocessing
/// (<c>--normalize</c>: <c>(x − mean) / std</c>) and test-time augmentation (<c>--tta</c>) are inside the graph;
/// outputs <c>logits</c> and <c>probabilities</c> (softmax of the logits), both <c>[N, K]</c> float32. The metadata
/// (<c>metadata_props</c>) holds the architecture, class names, input shape, preprocessing and preparation, as the
/// safetensors export does.
/// </summary>
/// <remarks>
/// Layers: <c>Conv2d</c> (zero padding) → <c>Conv</c>; <c>BatchNorm2d</c> → <c>BatchNormalization</c> (inference form:
/// running mean and variance); <c>ReLU</c> → <c>Relu</c>; <c>Sigmoid</c>; 2 × 2 max pooling → <c>MaxPool</c>;
/// <c>AvgPool2d</c> → <c>AveragePool</c>; the flattening between a network's two stages → <c>Flatten</c>;
/// <c>Linear</c> → <c>Gemm</c> (transB = 1); <c>Dropout</c> is the identity at inference and is left out. Opsets 9 to
/// 13 (ONNX's operator versions; Windows ML's built-in runtime takes 7–12); the IR version is the one each opset came
/// with (onnx/docs/Versioning.md): 9 → 4, 10 → 5, 11 → 6, 12 and 13 → 7. Operators whose form changed in these
/// opsets (<c>Pad</c>, <c>Slice</c>) are written in the opset's own form.
/// </remarks>
public static class OnnxFile
{
    /// <summary>File extension of ONNX models.</summary>
    public const string Extension = ".onnx";

    /// <summary>Opset written when none is asked for.</summary>
    public const int DefaultOpset = 13;

    /// <summary>Lowest opset offered (BatchNormalization's inference form without <c>spatial</c> came with 9).</summary>
    public const int MinOpset = 9;

    /// <summary>Highest opset offered.</summary>
    public const int MaxOpset = 13;

    /// <summary>Name of the graph's input: <c>[N, C, H, W]</c> float32 pixels / 255.</summary>
    public const string InputName = "input";

    /// <summary>Name of the logits output, <c>[N, K]</c> float32.</summary>
    public const string LogitsName = "logits";

    /// <summary>Name of the probabilities output (softmax of the logits), <c>[N, K]</c> float32.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Whether <paramref name="path"/> names an ONNX file (by its extension, case-insensitive).</summary>
    public static bool IsOnnx(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes the model as an ONNX file, atomically.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="classifier">The model (any device; weights written as float32).</param>
    /// <param name="preparation">How pictures are brought to its input (<c>none</c>, <c>fashion-mnist</c>, <c>mnist</c>), stored in the metadata.</param>
    /// <param name="opset">ONNX opset, <see cref="MinOpset"/> to <see cref="MaxOpset"/>.</param>
    /// <returns>The model written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An opset outside the range.</exception>
    /// <exception cref="NotSupportedException">The network has a layer with no ONNX form here (one line naming it).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static ModelProto Save(string path, Classifier classifier, string preparation, int opset = DefaultOpset)
    {
        var model = Build(classifier, preparation, opset);
        IO.AtomicFile.WriteAllBytes(path, model.ToByteArray());
        return model;
    }

    /// <summary>Builds the ONNX model of <paramref name="classifier"/> (see the class summary).</summary>
    /// <param name="classifier">The model.</param>
    /// <param name="preparation">Stored as <c>preparation</c> in the metadata.</param>
    /// <param name="opset">ONNX opset, <see cref="MinOpset"/> to <see cref="MaxOpset"/>.</param>
    /// <returns>The model, ready to serialise.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An opset outside the range.</exception>
    /// <exception cref="NotSupportedException">The network has a layer with no ONNX form here.</exception>
    public static ModelProto Build(Classifier classifier, string preparation, int opset = DefaultOpset)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(opset, MinOpset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(opset, MaxOpset);
        if (classifier.Model is not TwoStageNetwork network)
        {
            throw new NotSupportedException($"architecture '{classifier.Architecture.Name}' is not a two-stage network of layers, so it has no ONNX form here");
        }

        var spec = classifier.Spec;
        var g = new GraphBuilder(opset) { Graph = { Name = classifier.Architecture.Name } };
        var x = InputName;
        var tta = classifier.Preprocessing.TestTimeAugmentation;
        var views = TestTimeAugmentation.Views(tta);
        if (views > 1)
        {
            x = g.Views(x, tta!, spec.Height, spec.Width);
        }

        if (classifier.Preprocessing is { Mean: { } mean, Std: { } std })
        {
            x = g.Node("Sub", [x, g.Scalar("preprocessing.mean", (float)mean)]);
            x = g.Node("Div", [x, g.Scalar("preprocessing.std", (float)std)]);
        }

        var first = true;
        foreach (var (stageName, stage) in network.Stages)
        {
            if (!first)
            {
                x = g.Node("Flatten", [x], a => a.Add(Int("axis", 1)));
            }

            first = false;
            foreach (var (childName, layer) in stage.named_children())
            {
                x = g.Layer($"{stageName}.{childName}", layer, x);
            }
        }

        if (views > 1)
        {
            // logits = logsumexp over views of log_softmax(z_v) − ln V, as TestTimeAugmentation.Logits computes them.
            x = g.Node("LogSoftmax", [x], a => a.Add(Int("axis", 1)));
            x = g.Node("Reshape", [x, g.Int64s("tta.shape", [views, -1, spec.ClassCount])]);
            x = g.Node("ReduceLogSumExp", [x], a => { a.Add(Ints("axes", [0])); a.Add(Int("keepdims", 0)); });
            x = g.Node("Sub", [x, g.Scalar("tta.log_views", (float)Math.Log(views))], output: LogitsName);
        }
        else
        {
            x = g.Node("Identity", [x], output: LogitsName);
        }

        g.Node("Softmax", [x], a => a.Add(Int("axis", 1)), ProbabilitiesName);
        g.Graph.Input.Add(TensorValue(InputName, [null, spec.Channels, spec.Height, spec.Width]));
        g.Graph.Output.Add(TensorValue(LogitsName, [null, spec.ClassCount]));
        g.Graph.Output.Add(TensorValue(ProbabilitiesName, [null, spec.ClassCount]));
        g.Graph.DocString = string.Create(CultureInfo.InvariantCulture,
            $"{classifier.Architecture.Name} for {spec}. Input '{InputName}': [N, {spec.Channels}, {spec.Height}, {spec.Width}] float32, the pixels divided by 255 (black 0, white 1). Outputs '{LogitsName}' and '{ProbabilitiesName}': [N, {spec.ClassCount}] float32, in the order of the metadata's class_names.");

        var model = new ModelProto
        {
            IrVersion = IrVersion(opset),
            ProducerName = "lenet-fashion",
            ProducerVersion = Runtime.TorchRuntime.Versions().TryGetValue("lenet_fashion", out var v) ? v : "",
            ModelVersion = 1,
            DocString = "Exported by lenet-fashion export --format onnx.",
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        var json = new JsonSerializerOptions(ModelStore.JsonOptions) { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        void Meta(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Meta("format", ModelMetadata.CurrentFormat);
        Meta("architecture", classifier.Architecture.Name);
        Meta("class_names", JsonSerializer.Serialize(classifier.ClassNames, json));
        Meta("input_shape", JsonSerializer.Serialize(spec.InputShape, json));
        Meta("preprocessing", JsonSerializer.Serialize(classifier.Preprocessing, json));
        Meta("preparation", preparation);
        Meta("input", "pixels / 255 as float32, [N, C, H, W]; preprocessing and test-time augmentation are inside the graph");
        return model;
    }

    /// <summary>The IR version each offered opset came with (onnx/docs/Versioning.md).</summary>
    internal static long IrVersion(int opset) => opset switch
    {
        9 => 4,
        10 => 5,
        11 => 6,
        _ => 7,
    };

    private static ValueInfoProto TensorValue(string name, long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is { } value ? new TensorShapeProto.Types.Dimension { DimValue = value } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>Nodes and initializers with unique names, in the forms of one opset.</summary>
    private sealed class GraphBuilder(int opset)
    {
        private int _next;

        public GraphProto Graph { get; } = new();

        /// <summary>Adds a node; returns its output's name.</summary>
        public string Node(string op, string[] inputs, Action<Google.Protobuf.Collections.RepeatedField<AttributeProto>>? attributes = null, string? output = null)
        {
            var id = _next++;
            var node = new NodeProto { OpType = op, Name = string.Create(CultureInfo.InvariantCulture, $"{op}_{id}") };
            node.Input.AddRange(inputs);
            output ??= string.Create(CultureInfo.InvariantCulture, $"{op.ToLowerInvariant()}_{id}");
            node.Output.Add(output);
            attributes?.Invoke(node.Attribute);
            Graph.Node.Add(node);
            return output;
        }

        /// <summary>A float32 initializer from a tensor (any device), under <paramref name="name"/>; returns the name.</summary>
        public string Weights(string name, Tensor t)
        {
            using var cpu = t.detach().cpu().to_type(ScalarType.Float32).contiguous();
            var values = cpu.data<float>().ToArray();
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
            tensor.Dims.AddRange(cpu.shape);
            Graph.Initializer.Add(tensor);
            return name;
        }

        /// <summary>A float32 scalar initializer; returns its name.</summary>
        public string Scalar(string name, float value)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.FloatData.Add(value);
            Graph.Initializer.Add(tensor);
            return name;
        }

        /// <summary>A 1-D int64 initializer; returns its name.</summary>
        public string Int64s(string name, long[] values)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
            tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
            Graph.Initializer.Add(tensor);
            return name;
        }

        /// <summary>The views of <see cref="TestTimeAugmentation"/> stacked along the batch: <c>[V·N, C, H, W]</c>, in its order.</summary>
        public string Views(string x, string tta, long h, long w)
        {
            var mirror = Int64s("tta.mirror", [.. Enumerable.Range(0, (int)w).Reverse().Select(i => (long)i)]);
            var shifts = tta == TestTimeAugmentation.FlipShift
                ? new (int Dy, int Dx)[] { (0, 0), (-1, 0), (1, 0), (0, -1), (0, 1) }
                : [(0, 0)];
            var padded = shifts.Length > 1 ? Pad(x, 1) : null;
            var views = new List<string>();
            foreach (var (dy, dx) in shifts)
            {
                // view[y, x] = input[y − dy, x − dx], 0 (black) outside: rows 1 − dy … of the input padded by one.
                var view = padded is null ? x : Slice(padded, [1 - dy, 1 - dx], [1 - dy + h, 1 - dx + w]);
                views.Add(view);
                views.Add(Node("Gather", [view, mirror], a => a.Add(Int("axis", 3))));
            }

            return Node("Concat", [.. views], a => a.Add(Int("axis", 0)));
        }

        private string Pad(string x, long p)
        {
            long[] pads = [0, 0, p, p, 0, 0, p, p];
            return opset >= 11
                ? Node("Pad", [x, Int64s("tta.pads", pads)])
                : Node("Pad", [x], a => { a.Add(Ints("pads", pads)); a.Add(Float("value", 0f)); });
        }

        private string Slice(string x, long[] starts, long[] ends)
        {
            long[] axes = [2, 3];
            if (opset >= 10)
            {
                var id = _next;
                return Node("Slice", [x, Int64s($"tta.starts_{id}", starts), Int64s($"tta.ends_{id}", ends), Int64s($"tta.axes_{id}", axes)]);
            }

            return Node("Slice", [x], a => { a.Add(Ints("starts", starts)); a.Add(Ints("ends", ends)); a.Add(Ints("axes", axes)); });
        }

        /// <summary>Adds one layer of a stage; returns its output.</summary>
        /// <exception cref="NotSupportedException">A layer with no ONNX form here.</exception>
        public string Layer(string key, nn.Module layer, string x)
        {
            switch (layer)
            {
                case TorchSharp.Modules.Conv2d conv when conv.padding is { } padding && conv.padding_mode == PaddingModes.Zeros:
                    var convInputs = new List<string> { x, Weights($"{key}.weight", conv.weight) };
                    if (conv.bias is { } convBias)
                    {
                        convInputs.Add(Weights($"{key}.bias", convBias));
                    }

                    return Node("Conv", [.. convInputs], a =>
                    {
                        a.Add(Ints("kernel_shape", conv.kernel_size));
                        a.Add(Ints("strides", conv.stride));
                        a.Add(Ints("pads", [.. padding, .. padding]));
                        a.Add(Ints("dilations", conv.dilation));
                        a.Add(Int("group", conv.groups));
                    });
                case TorchSharp.Modules.BatchNorm2d bn when bn.running_mean is { } runningMean && bn.running_var is { } runningVar:
                    var channels = runningMean.shape[0];
                    using (var ones = torch.ones(channels))
                    using (var zeros = torch.zeros(channels))
                    {
                        return Node("BatchNormalization", [
                            x,
                            Weights($"{key}.weight", bn.affine ? bn.weight : ones),
                            Weights($"{key}.bias", bn.bias ?? zeros),
                            Weights($"{key}.running_mean", runningMean),
                            Weights($"{key}.running_var", runningVar),
                        ], a => a.Add(Float("epsilon", (float)bn.eps)));
                    }

                case TorchSharp.Modules.ReLU:
                    return Node("Relu", [x]);
                case TorchSharp.Modules.Sigmoid:
                    return Node("Sigmoid", [x]);
                case Models.Layers.MaxPool2d:
                    return Node("MaxPool", [x], a => { a.Add(Ints("kernel_shape", [2, 2])); a.Add(Ints("strides", [2, 2])); });
                case TorchSharp.Modules.AvgPool2d pool when !pool.ceil_mode && (pool.padding is null || pool.padding.All(p => p == 0)):
                    return Node("AveragePool", [x], a =>
                    {
                        a.Add(Ints("kernel_shape", pool.kernel_size));
                        a.Add(Ints("strides", pool.stride ?? pool.kernel_size));
                    });
                case TorchSharp.Modules.Dropout:
                    return x;
                case TorchSharp.Modules.Linear linear:
                    var gemmInputs = new List<string> { x, Weights($"{key}.weight", linear.weight) };
                    if (linear.bias is { } linearBias)
                    {
                        gemmInputs.Add(Weights($"{key}.bias", linearBias));
                    }
                    else
                    {
                        gemmInputs.Add(Scalar($"{key}.bias", 0f));
                    }

                    return Node("Gemm", [.. gemmInputs], a => a.Add(Int("transB", 1)));
                default:
                    throw new NotSupportedException($"layer '{key}' ({layer.GetType().Name}) has no ONNX form in this tool's exporter");
            }
        }
    }
}
