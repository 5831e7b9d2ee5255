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
            var (classifier, _) = ModelStore.Load(parse.GetValue(command._model)!);
            using var _ = classifier;
            var shape = classifier.Spec.InputShape;
            if (shape[0] != 1)
            {
                throw new ArgumentException($"predict: the model's architecture '{classifier.Architecture.Name}' takes {shape[0]} channels; only 1-channel (grey) models are supported");
            }

            var (height, width) = ((int)shape[1], (int)shape[2]);
            var invert = command._invert.Value(parse);
            var inputs = new List<(string Name, int? Index, PreparedImage Image)>();
            var failed = 0;
            foreach (var file in parse.GetValue(command._images) ?? [])
            {
                try
                {
                    inputs.Add((file, null, ImageInput.Load(file, height, width, invert)));
                }
                catch (DataFormatException e)
                {
                    Error.WriteLine($"error: {e.Message}");
                    failed++;
                }
            }

            if (parse.GetValue(command._idx) is { } idx)
            {
                try
                {
                    inputs.AddRange(ReadIdx(idx, parse.GetValue(command._index), parse.GetValue(command._count), height, width));
                }
                catch (DataFormatException e)
                {
                    Error.WriteLine($"error: {e.Message}");
                    failed++;
                }
            }

            if (inputs.Count > 0)
            {
                Print(parse, classifier, inputs);
            }

            return failed == 0 ? ExitCodes.Success : ExitCodes.BadInput;
        }

        private static IEnumerable<(string, int?, PreparedImage)> ReadIdx(string path, int index, int count, int height, int width)
        {
            var idx = IdxReader.Read(path, 3);
            if (idx.Shape[1] != height || idx.Shape[2] != width)
            {
                throw new DataFormatException($"{path}: images of {idx.Shape[1]} × {idx.Shape[2]} pixels; the model expects {height} × {width}", path);
            }

            if (index + count > idx.Count)
            {
                throw new DataFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"{path}: --index {index} --count {count} asks for images up to {index + count - 1}, but the file has {idx.Count:N0} (0 to {idx.Count - 1})"), path);
            }

            var size = height * width;
            return Enumerable.Range(index, count).Select(i =>
                ((string)path, (int?)i, new PreparedImage(idx.Data.AsSpan(i * size, size).ToArray(), height, width, width, height, 0, false, false)));
        }

        private void Print(ParseResult parse, Classifier classifier, List<(string Name, int? Index, PreparedImage Image)> inputs)
        {
            using var pixels = ImageBatch.ToTensor(inputs.Select(i => i.Image).ToList());
            var probabilities = classifier.PredictProbabilities(pixels);
            var json = parse.GetValue(command._json);
            var logits = json && parse.GetValue(command._logits) ? classifier.PredictLogits(pixels) : null;
            var top = Math.Min(parse.GetValue(command._top), classifier.ClassNames.Count);
            for (var n = 0; n < inputs.Count; n++)
            {
                var (name, index, image) = inputs[n];
                var p = probabilities[n];
                var best = Enumerable.Range(0, p.Length).OrderByDescending(k => p[k]).ThenBy(k => k).Take(top).ToList();
                if (json)
                {
                    var line = new Dictionary<string, object?>
                    {
                        ["file"] = name,
                        ["index"] = index,
                        ["label"] = best[0],
                        ["class"] = classifier.ClassNames[best[0]],
                        ["top"] = best.Select(k => new Dictionary<string, object> { ["label"] = k, ["class"] = classifier.ClassNames[k], ["probability"] = p[k] }).ToList(),
                        ["inverted"] = image.Inverted,
                        ["logits"] = logits?[n],
                    };
                    if (index is null)
                    {
                        line.Remove("index");
                    }

                    if (logits is null)
                    {
                        line.Remove("logits");
                    }

                    Output.WriteLine(JsonSerializer.Serialize(line));
                }
                else
                {
                    var label = index is null ? name : string.Create(CultureInfo.InvariantCulture, $"{name}[{index}]");
                    var classes = string.Join(", ", best.Select(k => string.Create(CultureInfo.InvariantCulture, $"{classifier.ClassNames[k]} {p[k]:F4}")));
                    Output.WriteLine($"{label}: {classes}{(image.Inverted ? " (inverted)" : "")}");
                }
            }
        }
    }
}
