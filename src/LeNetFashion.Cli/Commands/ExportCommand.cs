using System.CommandLine;
using System.Globalization;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>The <c>export</c> verb: writes a saved model's weights in a format other tools read (safetensors, for PyTorch).</summary>
internal sealed class ExportCommand : Command
{
    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "Model file: model.dat written by train (model.json beside it) or a .safetensors file.",
        Required = true,
        HelpName = "file",
    };

    private readonly EnumOption<ExportFormat> _format = new(
        "--format", "safetensors: float32 weights under PyTorch's state-dict keys, with architecture, class names and preprocessing in the file's __metadata__ (for PyTorch); onnx: an ONNX graph for ONNX Runtime, ML.NET and Windows ML, input [N, C, H, W] float32 pixels / 255 with the model's preprocessing and test-time augmentation inside, outputs logits and probabilities [N, K].", ExportFormat.Safetensors);
    private readonly Option<int> _opset = CommonOptions.PositiveInt("--opset", $"With --format onnx: the ONNX opset, {OnnxFile.MinOpset} to {OnnxFile.MaxOpset} (Windows ML's built-in runtime takes up to 12).", OnnxFile.DefaultOpset, "n");

    private readonly Option<string> _out = CommonOptions.NonEmpty(new Option<string>("--out", "-o")
    {
        Description = "File to write, ending in .safetensors (or .onnx with --format onnx); an existing file is replaced (atomically) only with --overwrite.",
        Required = true,
        HelpName = "path",
    });

    private readonly Option<string?> _tta = CommonOptions.TestTimeAugmentationOverride();
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Replace --out when it exists." };
    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public ExportCommand(TextWriter output, TextWriter error)
        : base("export", "Write a saved model as a safetensors file that PyTorch loads with load_state_dict(strict=True), or as an ONNX graph for ONNX Runtime, ML.NET and Windows ML.")
    {
        Options.Add(_model);
        Options.Add(_format);
        Options.Add(_opset);
        Options.Add(_tta);
        Options.Add(_out);
        Options.Add(_overwrite);
        Options.Add(_verbose);
        Action = new ExportAction(this, output, error, _verbose);
    }

    private sealed class ExportAction(ExportCommand command, TextWriter output, TextWriter error, Option<bool> verbose) : VerbAction(output, error, verbose)
    {
        protected override int Run(ParseResult parse)
        {
            TorchRuntime.EnsureLoaded();
            var onnx = command._format.Value(parse) == ExportFormat.Onnx;
            if (!onnx && parse.IsGiven(command._opset))
            {
                throw new UsageException("--opset: only with --format onnx");
            }

            var r = ExportRun.Execute(new ExportRequest(parse.GetValue(command._model)!, parse.GetValue(command._out)!, parse.GetValue(command._overwrite), onnx, parse.GetValue(command._opset)) { Tta = parse.GetValue(command._tta) });
            Output.WriteLine(r.Nodes is { } nodes
                ? string.Create(CultureInfo.InvariantCulture, $"Wrote {r.Path}: ONNX opset {r.Opset}, {nodes} nodes, {r.Tensors} initializers, {r.Parameters:N0} float32 parameters, architecture {r.Architecture}{(r.TestTimeAugmentation is { } tta ? $", test-time augmentation {tta} in the graph" : "")}; input '{OnnxFile.InputName}' [N, C, H, W] float32 pixels / 255, outputs '{OnnxFile.LogitsName}' and '{OnnxFile.ProbabilitiesName}'")
                : string.Create(CultureInfo.InvariantCulture, $"Wrote {r.Path}: {r.Tensors} tensors, {r.Parameters:N0} float32 parameters, architecture {r.Architecture}"));
            return ExitCodes.Success;
        }
    }
}
