using System.CommandLine;
using System.Globalization;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>The <c>summarize</c> verb: the torchsummary-style layer table of an architecture or a model file.</summary>
internal sealed class SummarizeCommand : Command
{
    private readonly Option<string?> _model = new("--model", "-m") { Description = "Summarize the architecture of this model file (model.json beside it).", HelpName = "file" };
    private readonly Option<string> _arch = CommonOptions.OneOf("--arch", $"Architecture to summarize: {string.Join(", ", Architectures.Names)}.", Architectures.Names, Architectures.Default.Name);
    private readonly Option<string?> _inputSize = new("--input-size")
    {
        Description = "Input size C,H,W of one sample. Default: the model's own (1,28,28 for Fashion-MNIST and --arch).",
        HelpName = "C,H,W",
    };

    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public SummarizeCommand(TextWriter output, TextWriter error)
        : base("summarize", "Print the layer table of a model (torchsummary style): output shapes, parameters, multiply-accumulates, sizes.")
    {
        _inputSize.Validators.Add(r =>
        {
            if (CommonOptions.TryGet<string?>(r, out var s) && s is not null && ParseSize(s) is null)
            {
                r.AddError($"--input-size {s}: expected three positive integers C,H,W such as 1,28,28");
            }
        });
        Options.Add(_model);
        Options.Add(_arch);
        Options.Add(_inputSize);
        Options.Add(_verbose);
        Action = new SummarizeAction(this, output, error, _verbose);
    }

    private static long[]? ParseSize(string s)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            return null;
        }

        var size = new long[3];
        for (var i = 0; i < 3; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out size[i]) || size[i] < 1)
            {
                return null;
            }
        }

        return size;
    }

    private sealed class SummarizeAction(SummarizeCommand command, TextWriter output, TextWriter error, Option<bool> verbose) : VerbAction(output, error, verbose)
    {
        protected override int Run(ParseResult parse)
        {
            TorchRuntime.EnsureLoaded();
            var size = parse.GetValue(command._inputSize) is { } s ? ParseSize(s) : null;
            Output.Write(SummarizeRun.Execute(new SummarizeRequest(parse.GetValue(command._model), parse.GetValue(command._arch)!, size)).ToText());
            return ExitCodes.Success;
        }
    }
}
