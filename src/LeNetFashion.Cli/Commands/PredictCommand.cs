using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LeNetFashion.Data;
using LeNetFashion.Imaging;
using LeNetFashion.Models;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>
/// The <c>predict</c> verb: classifies picture files (any size and pixel format, see <see cref="ImageInput"/>) or images
/// of an IDX file with a saved model, and prints the top classes per input, as text or JSON lines. A file that cannot
/// be used gets one line on standard error and the others are still classified; the exit code is 2 when any failed.
/// </summary>
internal sealed class PredictCommand : Command
{
    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "Model file: model.dat written by train (model.json beside it) or a .safetensors file.",
        Required = true,
        HelpName = "file",
    };

    private readonly Argument<string[]> _images = new("image")
    {
        Description = "Picture files (PNG, JPEG, BMP, WebP; any size, grey or colour, with or without transparency).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly EnumOption<InvertMode> _invert = new(
        "--invert", "auto: invert a picture whose border is light (a dark object on a light background), as Fashion-MNIST garments are light on black; yes; no.", InvertMode.Auto);

    private readonly EnumOption<BackgroundMode> _background = new(
        "--background", "What transparent pixels are put on: auto: white only under dark ink (dark content covering at most 35 % of the canvas, then inverted into a light stroke), else black so an object keeps its own polarity; black; white.", BackgroundMode.Auto);

    private readonly Option<string?> _tta = CommonOptions.TestTimeAugmentationOverride();
    private readonly Option<string?> _prepare = new("--prepare")
    {
        Description = "How a picture is brought to the model's input: auto (the model's own, from its data set: fashion-mnist for Fashion-MNIST models, mnist for MNIST ones, none for folder data sets); fashion-mnist: trim the background at the edges, then fit the longer side; mnist: trim, fit into 20 × 20 and centre the centre of mass; none: fit the whole picture. [default: auto]",
        HelpName = "auto|fashion-mnist|mnist|none",
        CustomParser = r => CommonOptions.Choice(r, "--prepare", ["auto", .. Preparations.Names]),
    };

    private readonly Option<string?> _saveInput = CommonOptions.NonEmpty(new Option<string?>("--save-input") { Description = "Write each input as the model receives it (grey, the model's size, before its own preprocessing) into this folder as a PNG: name.png for a picture, file-i.png for IDX image i.", HelpName = "dir" });

    private readonly Option<int> _top = CommonOptions.PositiveInt("--top", "Number of most probable classes printed per image.", 3, "n");
    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON object per image (JSON lines) instead of text." };
    private readonly Option<bool> _logits = new("--logits") { Description = "With --json, also print the raw logits of every class (to compare with another framework)." };
    private readonly Option<string?> _idx = CommonOptions.NonEmpty(new Option<string?>("--idx") { Description = "Also classify images of this IDX image file (gzip or raw), e.g. t10k-images-idx3-ubyte.gz; used as stored, without inversion or resizing.", HelpName = "file" });
    private readonly Option<int> _index = new("--index") { Description = "First image of --idx to classify, from 0.", DefaultValueFactory = _ => 0, HelpName = "i" };
    private readonly Option<int> _count = CommonOptions.PositiveInt("--count", "Number of --idx images to classify from --index.", 1, "n");
    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public PredictCommand(TextWriter output, TextWriter error)
        : base("predict", "Classify picture files (or images of an IDX file) with a saved model: top classes with probabilities, or JSON lines.")
    {
        Arguments.Add(_images);
        Options.Add(_model);
        Options.Add(_invert);
        Options.Add(_background);
        Options.Add(_prepare);
        Options.Add(_tta);
        Options.Add(_saveInput);
        Options.Add(_top);
        Options.Add(_json);
        Options.Add(_logits);
        Options.Add(_idx);
        Options.Add(_index);
        Options.Add(_count);
        Options.Add(_verbose);
        _index.Validators.Add(r =>
        {
            if (CommonOptions.TryGet<int>(r, out var v) && v < 0)
            {
                r.AddError($"--index {v}: expected an image number of at least 0");
            }
        });
        Validators.Add(r =>
        {
            // System.CommandLine gives tokens it does not know to the picture list; "--jsn" is a typo, not a picture.
            if (r.GetValue(_images)?.FirstOrDefault(t => t.StartsWith('-') && !File.Exists(t)) is { } option)
            {
                r.AddError($"unknown option '{option}'; see --help");
            }
        });
        Validators.Add(r =>
        {
            if (r.GetValue(_logits) && !r.GetValue(_json))
            {
                r.AddError("--logits: the logits are printed in the JSON lines only; add --json");
            }
        });
        Validators.Add(r =>
        {
            if (r.GetValue(_images) is not { Length: > 0 } && r.GetResult(_idx) is not { Implicit: false })
            {
                r.AddError("predict: no input; give one or more picture files, or --idx <file> [--index <i>]");
            }
        });
        Action = new PredictAction(this, output, error, _verbose);
    }

    private sealed class PredictAction(PredictCommand command, TextWriter output, TextWriter error, Option<bool> verbose) : VerbAction(output, error, verbose)
    {
        protected override int Run(ParseResult parse)
        {
            TorchRuntime.EnsureLoaded();
            var json = parse.GetValue(command._json);
            var result = PredictRun.Execute(new PredictRequest
            {
                Model = parse.GetValue(command._model)!,
                Images = parse.GetValue(command._images) ?? [],
                Idx = parse.GetValue(command._idx),
                Index = parse.GetValue(command._index),
                Count = parse.GetValue(command._count),
                Invert = command._invert.Value(parse),
                Background = command._background.Value(parse),
                Prepare = Preparations.Parse(parse.GetValue(command._prepare)),
                Tta = parse.GetValue(command._tta),
                SaveInput = parse.GetValue(command._saveInput),
                Top = parse.GetValue(command._top),
                Logits = json && parse.GetValue(command._logits),
            });
            foreach (var e in result.Errors)
            {
                Error.WriteLine($"error: {e}");
            }

            foreach (var p in result.Predictions)
            {
                Output.WriteLine(json ? Json(p, result.Preparation) : Text(p));
            }

            return result.Errors.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput;
        }

        private static readonly JsonSerializerOptions JsonLines = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

        private static string Json(Prediction p, Preparation preparation)
        {
            var line = new Dictionary<string, object?>
            {
                ["file"] = p.Name,
                ["index"] = p.Index,
                ["label"] = p.Top[0].Label,
                ["class"] = p.Top[0].ClassName,
                ["top"] = p.Top.Select(c => new Dictionary<string, object> { ["label"] = c.Label, ["class"] = c.ClassName, ["probability"] = c.Probability }).ToList(),
                ["inverted"] = p.Inverted,
                ["preparation"] = p.Index is null ? Preparations.Name(preparation) : null,
                ["logits"] = p.Logits,
            };
            if (p.Index is null)
            {
                line.Remove("index");
            }
            else
            {
                line.Remove("preparation"); // IDX images are used as stored
            }

            if (p.Logits is null)
            {
                line.Remove("logits");
            }

            // Never fails: a non-finite number (which the model checks make unexpected) is written as "NaN"/"Infinity".
            return JsonSerializer.Serialize(line, JsonLines);
        }

        private static string Text(Prediction p)
        {
            var label = p.Index is null ? p.Name : string.Create(CultureInfo.InvariantCulture, $"{p.Name}[{p.Index}]");
            var classes = string.Join(", ", p.Top.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.ClassName} {c.Probability:F4}")));
            return $"{label}: {classes}{(p.Inverted ? " (inverted)" : "")}";
        }
    }
}
