// OnnxPredict: classifies pictures with a model exported by `lenet-fashion export --format onnx`, through ONNX Runtime
// alone. The graph holds the model's preprocessing and test-time augmentation; its input is [N, C, H, W] float32, the
// pixels divided by 255; its outputs are logits and probabilities [N, K]; its metadata names the classes.
//
//   dotnet run --project samples/OnnxPredict -- model.onnx picture.png ...
//   dotnet run --project samples/OnnxPredict -- model.onnx --idx t10k-images-idx3-ubyte.gz [--index 0] [--count 10]
//
// Pictures are read as grey and resized to the model's size as they are, without the tool's preparation (trimming,
// inversion): `lenet-fashion predict --prepare none --invert no` treats them the same way. IDX images are used as
// stored, as `predict --idx` uses them.
using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: OnnxPredict MODEL.onnx (PICTURE... | --idx FILE [--index I] [--count N])");
    return 1;
}

using var session = new InferenceSession(args[0]);
var meta = session.ModelMetadata.CustomMetadataMap;
var classes = JsonSerializer.Deserialize<string[]>(meta["class_names"])!;
var shape = JsonSerializer.Deserialize<int[]>(meta["input_shape"])!; // [C, H, W]
int h = shape[1], w = shape[2];

var names = new List<string>();
var pixels = new List<byte[]>();
if (args[1] == "--idx")
{
    var file = args[2];
    var index = Option("--index", 0);
    var count = Option("--count", 1);
    var images = ReadIdx(file, out var rows, out var cols);
    if (rows != h || cols != w)
    {
        Console.Error.WriteLine($"error: {file}: {rows} × {cols} images; the model takes {h} × {w}");
        return 2;
    }

    for (var i = index; i < index + count && (i + 1) * h * w <= images.Length; i++)
    {
        names.Add($"{Path.GetFileName(file)}[{i}]");
        pixels.Add(images.AsSpan(i * h * w, h * w).ToArray());
    }
}
else
{
    foreach (var file in args.Skip(1))
    {
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"error: {file}: file not found");
            return 2;
        }

        using var decoded = SKBitmap.Decode(file);
        if (decoded is null)
        {
            Console.Error.WriteLine($"error: {file}: not a picture SkiaSharp can decode");
            return 2;
        }

        using var grey = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(grey))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawBitmap(decoded, 0, 0);
        }

        using var sized = grey.Width == w && grey.Height == h ? grey.Copy() : grey.Resize(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque), new SKSamplingOptions(SKCubicResampler.Mitchell));
        names.Add(Path.GetFileName(file));
        pixels.Add(sized.Bytes);
    }
}

// One batch: the pixels divided by 255, as the tool's ToTensor does.
var input = new DenseTensor<float>(pixels.SelectMany(p => p).Select(b => b / 255f).ToArray(), [pixels.Count, 1, h, w]);
using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
var probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>();
for (var i = 0; i < names.Count; i++)
{
    var best = Enumerable.Range(0, classes.Length).MaxBy(k => probabilities[i, k]);
    Console.WriteLine($"{names[i]}: {classes[best]} ({probabilities[i, best]:F4})");
}

return 0;

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

// IDX image file (gzip or raw): magic 0x00000803, count, rows, columns (big-endian), then the bytes.
static byte[] ReadIdx(string path, out int rows, out int cols)
{
    using var file = File.OpenRead(path);
    using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? (Stream)new GZipStream(file, CompressionMode.Decompress) : file;
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    var bytes = memory.ToArray();
    int Int(int at) => (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    if (bytes.Length < 16 || Int(0) != 0x803)
    {
        throw new InvalidDataException($"{path}: not an IDX image file");
    }

    rows = Int(8);
    cols = Int(12);
    return bytes[16..];
}
