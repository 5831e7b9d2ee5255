// Hostile-input fuzzer (issue 18): from a fixed seed, generates damaged safetensors files, model.json files, model.dat
// files, IDX files and pictures (random and structured mutations of real files this program first writes with the tool)
// and runs each through predict, eval, summarize or export in process. Every run must end with exit 0 or 2, print
// only "error:", "warning:" or "note:" lines on standard error (no stack trace, no "internal error"), print valid JSON
// lines for predict --json, and raise the process's resident memory by at most --max-input-mb (the peak during the
// input over the resident memory before it) with the whole process under --max-mb.
//
// Usage: dotnet run -c Release --project scripts/fuzz -- [--seed N] [--count N] [--budget SECONDS] [--max-mb MB] [--keep DIR] [--log FILE]
// (--log writes one line per input: number, kind, verb, exit code, peak MB so far, first stderr line)
// Exit code 0 when every input passed, 1 otherwise (the failing inputs are copied into --keep, default fuzz-failures/).
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeNetFashion.Cli;
using SkiaSharp;

var seed = IntArg("--seed", 1);
var count = IntArg("--count", 600);
var budget = IntArg("--budget", 150);
var maxMb = IntArg("--max-mb", 1536);
var maxInputMb = IntArg("--max-input-mb", 300);
var keep = StringArg("--keep", "fuzz-failures");
var log = StringArg("--log", "");
using var logWriter = log.Length > 0 ? new StreamWriter(log) : null;

var root = Directory.CreateTempSubdirectory("lenet-fuzz-").FullName;
var random = new Random(seed);
var clock = Stopwatch.StartNew();
try
{
    var bases = Bases.Create(root);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fuzz: seed {seed}, up to {count} inputs or {budget} s; base files in {root} ({clock.Elapsed.TotalSeconds:F1} s)"));
    var kinds = new (string Name, int Weight, Func<Random, Bases, string, string[]> Make)[]
    {
        ("safetensors-header", 30, Cases.SafetensorsHeader),
        ("safetensors-bytes", 10, Cases.SafetensorsBytes),
        ("model-json", 15, Cases.ModelJson),
        ("model-dat", 5, Cases.ModelDat),
        ("idx", 20, Cases.Idx),
        ("picture", 20, Cases.Picture),
    };
    var totalWeight = kinds.Sum(k => k.Weight);
    var tried = new Dictionary<string, int>(StringComparer.Ordinal);
    var codes = new SortedDictionary<int, int>();
    var failures = 0;
    var caseDir = Path.Combine(root, "case");
    var n = 0;
    long largestInputMb = 0;
    for (; n < count && clock.Elapsed.TotalSeconds < budget; n++)
    {
        var pick = random.Next(totalWeight);
        var kind = kinds.First(k => (pick -= k.Weight) < 0);
        if (Directory.Exists(caseDir))
        {
            Directory.Delete(caseDir, recursive: true);
        }

        Directory.CreateDirectory(caseDir);
        var caseRandom = new Random(random.Next());
        var argv = kind.Make(caseRandom, bases, caseDir);
        var output = new StringWriter();
        var error = new StringWriter();
        var before = Memory.ResetPeak();
        var code = CliApp.Run(argv, output, error);
        var inputPeakMb = Memory.PeakMb() - before;
        tried[kind.Name] = tried.GetValueOrDefault(kind.Name) + 1;
        codes[code] = codes.GetValueOrDefault(code) + 1;
        var problem = Check(argv, code, output.ToString(), error.ToString());
        var peakMb = Memory.PeakMb();
        logWriter?.WriteLine($"{n}\t{kind.Name}\t{argv[0]}\t{code}\t{peakMb}\t{inputPeakMb}\t{error.ToString().Split('\n')[0]}");
        if (problem is null && inputPeakMb > maxInputMb)
        {
            problem = $"this input raised resident memory by {inputPeakMb} MB, over the bound of {maxInputMb} MB";
        }

        if (problem is null && peakMb > maxMb)
        {
            problem = $"peak memory {peakMb} MB over the bound of {maxMb} MB";
        }

        largestInputMb = Math.Max(largestInputMb, inputPeakMb);

        if (problem is not null)
        {
            failures++;
            var kept = Path.Combine(keep, $"{n:D4}-{kind.Name}");
            CopyFolder(caseDir, kept);
            File.WriteAllText(Path.Combine(kept, "repro.txt"), $"lenet-fashion {string.Join(' ', argv.Select(a => a.Replace(caseDir, ".", StringComparison.Ordinal)))}\nexit {code}\n{problem}\n--- stderr\n{error}\n--- stdout (first 2000)\n{Head(output.ToString(), 2000)}\n");
            Console.WriteLine($"FAIL {n} {kind.Name}: {problem}");
            Console.WriteLine($"  args: {string.Join(' ', argv)}");
            Console.WriteLine($"  stderr: {Head(error.ToString(), 600)}");
            if (peakMb > maxMb)
            {
                break; // the bound is the process's high-water mark: later inputs cannot be judged
            }
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"fuzz: seed {seed}: {n} inputs ({string.Join(", ", tried.OrderBy(t => t.Key).Select(t => $"{t.Key} {t.Value}"))}) in {clock.Elapsed.TotalSeconds:F0} s; exit codes {string.Join(", ", codes.Select(c => $"{c.Key} ×{c.Value}"))}; largest rise of resident memory by one input {largestInputMb} MB, peak {Memory.PeakMb()} MB; {failures} failure(s)"));
    return failures == 0 && n > 0 ? 0 : 1;
}
finally
{
    Directory.Delete(root, recursive: true);
}

// Checks the shape of one run's result; null when it passed.
static string? Check(string[] args, int code, string output, string error)
{
    if (code is not (0 or 2))
    {
        return $"exit {code}, expected 0 or 2";
    }

    if (error.Contains("   at ", StringComparison.Ordinal) || error.Contains("internal error", StringComparison.Ordinal))
    {
        return "a stack trace or an internal error on stderr";
    }

    var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    if (lines.FirstOrDefault(l => !(l.StartsWith("error: ", StringComparison.Ordinal) || l.StartsWith("warning: ", StringComparison.Ordinal) || l.StartsWith("note: ", StringComparison.Ordinal))) is { } odd)
    {
        return $"a stderr line that is not error:, warning: or note: ({Head(odd, 200)})";
    }

    if (code == 2 && !lines.Any(l => l.StartsWith("error: ", StringComparison.Ordinal)))
    {
        return "exit 2 without an error line";
    }

    if (args[0] == "predict" && args.Contains("--json"))
    {
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("top", out var top) && top.EnumerateArray().Any(t => !t.TryGetProperty("probability", out var p) || !double.IsFinite(p.GetDouble())))
                {
                    return "predict --json printed a probability that is not a finite number";
                }
            }
            catch (JsonException)
            {
                return $"predict --json printed a line that is not JSON ({Head(line, 200)})";
            }
        }
    }

    return null;
}

static string Head(string text, int max) => text.Length <= max ? text : text[..max] + "…";

static void CopyFolder(string from, string to)
{
    Directory.CreateDirectory(to);
    foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
    {
        var target = Path.Combine(to, Path.GetRelativePath(from, file));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target, overwrite: true);
    }
}

int IntArg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string StringArg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

/// <summary>The process's peak resident memory (VmHWM of /proc/self/status), resettable (Linux 4.0+, /proc/self/clear_refs).</summary>
internal static class Memory
{
    /// <summary>Resets the peak to the current resident memory and returns that, in MB.</summary>
    public static long ResetPeak()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS:");
    }

    public static long PeakMb() => Read("VmHWM:");

    private static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return 0;
    }
}

/// <summary>The real files every mutation starts from, written by the tool itself.</summary>
internal sealed record Bases(string DataDir, string ModelDat, string ModelJson, string Safetensors, byte[] TestImages, byte[] TestLabels, IReadOnlyList<(string Ext, byte[] Bytes)> Pictures)
{
    public static Bases Create(string root)
    {
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        var random = new Random(0);
        (byte[] Images, byte[] Labels) Part(int n)
        {
            var labels = new byte[n];
            var pixels = new byte[n * 784];
            for (var i = 0; i < n; i++)
            {
                labels[i] = (byte)(i % 10);
                for (var p = 0; p < 784; p++)
                {
                    // A bright band whose row depends on the class, with noise: learnable in one epoch.
                    pixels[(i * 784) + p] = (byte)((p / 28 / 3 == labels[i] ? 200 : 20) + random.Next(30));
                }
            }

            return (Idx(0x08, [n, 28, 28], pixels), Idx(0x08, [n], labels));
        }

        var (trainImages, trainLabels) = Part(320);
        var (testImages, testLabels) = Part(40);
        File.WriteAllBytes(Path.Combine(data, "train-images-idx3-ubyte.gz"), Gzip(trainImages));
        File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte.gz"), Gzip(trainLabels));
        File.WriteAllBytes(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), Gzip(testImages));
        File.WriteAllBytes(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), Gzip(testLabels));
        var run = Path.Combine(root, "run");
        Require(CliApp.Run(["train", "--data-dir", data, "--epochs", "1", "--batch-size", "32", "--seed", "1", "--threads", "1", "--output", run], TextWriter.Null, Console.Error), "train");
        var safetensors = Path.Combine(root, "model.safetensors");
        Require(CliApp.Run(["export", "--model", Path.Combine(run, "model.dat"), "--format", "safetensors", "--out", safetensors], TextWriter.Null, Console.Error), "export");

        // A garment-like picture in every format Skia writes, one with transparency; and a hand-made BMP.
        using var bitmap = new SKBitmap(new SKImageInfo(40, 56, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < 56; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                var inside = x is > 8 and < 32 && y is > 6 and < 50;
                bitmap.SetPixel(x, y, inside ? new SKColor(90, 60, 40) : new SKColor(240, 240, 240, (byte)(y < 28 ? 255 : 0)));
            }
        }

        var pictures = new List<(string, byte[])>();
        foreach (var (format, ext) in new[] { (SKEncodedImageFormat.Png, "png"), (SKEncodedImageFormat.Jpeg, "jpg"), (SKEncodedImageFormat.Webp, "webp") })
        {
            using var encoded = bitmap.Encode(format, 90);
            pictures.Add((ext, encoded.ToArray()));
        }

        pictures.Add(("bmp", Bmp(24, 24)));
        return new Bases(data, Path.Combine(run, "model.dat"), Path.Combine(run, "model.json"), safetensors, testImages, testLabels, pictures);
    }

    public static byte[] Idx(byte type, int[] shape, byte[] data)
    {
        var bytes = new byte[4 + (4 * shape.Length) + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (var i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), shape[i]);
        }

        data.CopyTo(bytes, 4 + (4 * shape.Length));
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return ms.ToArray();
    }

    private static byte[] Bmp(int w, int h)
    {
        var row = ((w * 3) + 3) & ~3;
        var bytes = new byte[54 + (row * h)];
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        for (var i = 54; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i % 7 == 0 ? 30 : 220);
        }

        return bytes;
    }

    private static void Require(int code, string what)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"fuzz: the base {what} failed with exit {code}");
        }
    }
}

/// <summary>The mutations: each writes its input into the case folder and returns the command line to run.</summary>
internal static class Cases
{
    private static readonly long[] Interesting = [0, 1, -1, 2, 27, 28, 29, 255, 256, 65535, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 40, long.MaxValue, long.MinValue];

    private static readonly string[] HostileJson =
    [
        "null", "0", "-1", "1e308", "-1e308", "\"\"", "\"x\"", "[]", "{}", "true", "[null]", "[1,28,28]", "[1,4096,4096]", "[0,28,28]",
        "[3,28,28]", "[1,28]", "[\"a\"]", "{\"mean\":0,\"std\":0}", "{\"mean\":0.5}", "{\"mean\":0.2,\"std\":-1}", "{\"mean\":1e300,\"std\":1}",
        "[\"\\u001b[31merror: fake\",\"b\"]", "[\"a\\nb\",\"c\"]", "[\"a\",\"a\"]", "9007199254740993", "\"lenet5\"", "\"bn-cnn\"", "\"resnet\"",
    ];

    /// <summary>A safetensors file whose JSON header is changed in one structured way.</summary>
    public static string[] SafetensorsHeader(Random r, Bases b, string dir)
    {
        var bytes = File.ReadAllBytes(b.Safetensors);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, n);
        var data = bytes.AsSpan(8 + n).ToArray();
        var node = JsonNode.Parse(header)!.AsObject();
        var tensors = node.Where(kv => kv.Key != "__metadata__").Select(kv => kv.Key).ToList();
        var lengthDelta = 0L;
        switch (r.Next(9))
        {
            case 0: // dtype
                node[Pick(r, tensors)]!["dtype"] = JsonNode.Parse(Pick(r, ["\"F16\"", "\"BF16\"", "\"I8\"", "\"U8\"", "\"F64\"", "\"I32\"", "\"BOOL\"", "\"\"", "null", "5", "\"I64\""]));
                break;
            case 1: // one shape element, or the whole shape
            {
                var t = node[Pick(r, tensors)]!.AsObject();
                var shape = t["shape"]!.AsArray();
                if (shape.Count > 0 && r.Next(2) == 0)
                {
                    shape[r.Next(shape.Count)] = JsonNode.Parse(Pick(r, ["0", "-1", "2147483648", "1099511627776", "1e300", "\"x\"", "null", "1.5"]));
                }
                else
                {
                    t["shape"] = JsonNode.Parse(Pick(r, ["[]", "null", "[1,1,1,1,1,1,1,1]", "[4294967296,0]", "{}", "\"[1]\""]));
                }

                break;
            }

            case 2: // offsets
            {
                var t = node[Pick(r, tensors)]!.AsObject();
                var offsets = t["data_offsets"]!.AsArray();
                var i = r.Next(2);
                offsets[i] = JsonNode.Parse(r.Next(3) switch
                {
                    0 => (offsets[i]!.GetValue<long>() + r.Next(-9, 10)).ToString(CultureInfo.InvariantCulture),
                    1 => Pick(r, Interesting).ToString(CultureInfo.InvariantCulture),
                    _ => Pick(r, ["null", "\"0\"", "-0.5", "[]"]),
                });
                if (r.Next(4) == 0)
                {
                    offsets.Add(0);
                }

                break;
            }

            case 3: // a tensor removed, renamed or repeated by text
            {
                var key = Pick(r, tensors);
                var value = node[key]!.DeepClone();
                node.Remove(key);
                if (r.Next(2) == 0)
                {
                    node[key + (r.Next(2) == 0 ? ".x" : "")] = value;
                }

                break;
            }

            case 4: // metadata values
            {
                var meta = node["__metadata__"] as JsonObject ?? [];
                node["__metadata__"] = meta;
                var key = Pick(r, ["architecture", "class_names", "input_shape", "preprocessing", "format", "other"]);
                var value = Pick(r, HostileJson);
                meta[key] = r.Next(4) == 0 ? JsonNode.Parse(value) : JsonValue.Create(value);
                if (r.Next(5) == 0)
                {
                    meta["class_names"] = JsonValue.Create("[" + string.Join(',', Enumerable.Range(0, r.Next(1, 200_000)).Select(i => $"\"{i}\"")) + "]");
                }

                break;
            }

            case 5: // metadata removed, or not an object
                if (r.Next(2) == 0)
                {
                    node.Remove("__metadata__");
                }
                else
                {
                    node["__metadata__"] = JsonNode.Parse(Pick(r, ["null", "[]", "1", "\"x\""]));
                }

                break;
            case 6: // the header length field is wrong
                lengthDelta = Pick(r, new long[] { -8, -1, 1, 8, 1 << 20, -n, long.MaxValue - n });
                break;
            case 7: // many tensors
                for (var i = 0; i < r.Next(1, 50_000); i++)
                {
                    node[$"t{i}"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(0), ["data_offsets"] = new JsonArray(0, 0) };
                }

                break;
            default: // the header is some other JSON
                File.WriteAllBytes(Path.Combine(dir, "m.safetensors"), Safetensors(Encoding.UTF8.GetBytes(Pick(r, ["[]", "null", "1", "\"x\"", "{", "{\"a\":1}", "{\"a\":{\"dtype\":\"F32\"}}"])), data, 0));
                return Target(r, b, dir, Path.Combine(dir, "m.safetensors"));
        }

        File.WriteAllBytes(Path.Combine(dir, "m.safetensors"), Safetensors(Encoding.UTF8.GetBytes(node.ToJsonString()), data, lengthDelta));
        return Target(r, b, dir, Path.Combine(dir, "m.safetensors"));
    }

    /// <summary>A safetensors file with random byte mutations.</summary>
    public static string[] SafetensorsBytes(Random r, Bases b, string dir)
    {
        var path = Path.Combine(dir, "m.safetensors");
        File.WriteAllBytes(path, Mutate(r, File.ReadAllBytes(b.Safetensors)));
        return Target(r, b, dir, path);
    }

    /// <summary>model.dat beside a model.json with one key changed (and usually its hash removed, so later checks are reached).</summary>
    public static string[] ModelJson(Random r, Bases b, string dir)
    {
        File.Copy(b.ModelDat, Path.Combine(dir, "model.dat"));
        var text = File.ReadAllText(b.ModelJson);
        var node = JsonNode.Parse(text)!.AsObject();
        if (r.Next(4) != 0)
        {
            node.Remove("model_sha256");
        }

        switch (r.Next(5))
        {
            case 0:
                node.Remove(Pick(r, node.Select(kv => kv.Key).ToList()));
                text = node.ToJsonString();
                break;
            case 1:
            {
                var options = node["options"]!.AsObject();
                options[Pick(r, options.Select(kv => kv.Key).ToList())] = JsonNode.Parse(Pick(r, HostileJson));
                text = node.ToJsonString();
                break;
            }

            case 2:
                text = node.ToJsonString();
                text = text[..r.Next(text.Length)];
                break;
            default:
                node[Pick(r, ["architecture", "class_names", "input_shape", "preprocessing", "best_epoch", "val_accuracy", "dataset", "data", "options", "model_sha256", "epochs_completed"])] = JsonNode.Parse(Pick(r, HostileJson));
                text = node.ToJsonString();
                break;
        }

        File.WriteAllText(Path.Combine(dir, "model.json"), text);
        return Target(r, b, dir, Path.Combine(dir, "model.dat"));
    }

    /// <summary>model.dat with random byte mutations, its hash removed from model.json so the weights' checks are reached.</summary>
    public static string[] ModelDat(Random r, Bases b, string dir)
    {
        File.WriteAllBytes(Path.Combine(dir, "model.dat"), Mutate(r, File.ReadAllBytes(b.ModelDat)));
        var node = JsonNode.Parse(File.ReadAllText(b.ModelJson))!.AsObject();
        node.Remove("model_sha256");
        File.WriteAllText(Path.Combine(dir, "model.json"), node.ToJsonString());
        return Target(r, b, dir, Path.Combine(dir, "model.dat"));
    }

    /// <summary>A test images or labels file with a changed header, length or compression, through eval or predict --idx.</summary>
    public static string[] Idx(Random r, Bases b, string dir)
    {
        var labels = r.Next(3) == 0;
        var bytes = (byte[])(labels ? b.TestLabels : b.TestImages).Clone();
        switch (r.Next(6))
        {
            case 0:
                bytes[2] = Pick(r, new byte[] { 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x00, 0xFF });
                break;
            case 1:
                bytes[3] = Pick(r, new byte[] { 0, 1, 2, 3, 4, 255 });
                break;
            case 2:
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * r.Next(labels ? 1 : 3))), (int)Pick(r, new long[] { 0, 1, 27, 29, 39, 41, 10_000, int.MaxValue, -1 }));
                break;
            case 3:
                if (labels)
                {
                    bytes[8 + r.Next(bytes.Length - 8)] = (byte)r.Next(10, 256);
                }
                else
                {
                    bytes = bytes[..r.Next(bytes.Length)];
                }

                break;
            case 4:
                bytes = [.. bytes, .. new byte[r.Next(1, 5000)]];
                break;
            default:
                bytes = Mutate(r, bytes);
                break;
        }

        // Compression: none, gzip, gzip in gzip, or a damaged gzip.
        var name = labels ? "t10k-labels-idx1-ubyte" : "t10k-images-idx3-ubyte";
        var gz = r.Next(4);
        var file = gz switch
        {
            0 => bytes,
            1 => Bases.Gzip(bytes),
            2 => Bases.Gzip(Bases.Gzip(bytes)),
            _ => Mutate(r, Bases.Gzip(bytes)),
        };
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        foreach (var f in Directory.GetFiles(b.DataDir))
        {
            if (!Path.GetFileName(f).StartsWith(name, StringComparison.Ordinal))
            {
                File.Copy(f, Path.Combine(data, Path.GetFileName(f)));
            }
        }

        var path = Path.Combine(data, name + (gz == 0 ? "" : ".gz"));
        File.WriteAllBytes(path, file);
        return !labels && r.Next(2) == 0
            ? ["predict", "--model", b.ModelDat, "--idx", path, "--count", "3", "--json"]
            : ["eval", "--model", b.ModelDat, "--data-dir", data, "--output", Path.Combine(dir, "eval")];
    }

    /// <summary>A picture with structured (PNG header) or random mutations, through predict.</summary>
    public static string[] Picture(Random r, Bases b, string dir)
    {
        var (ext, original) = Pick(r, b.Pictures);
        var bytes = (byte[])original.Clone();
        if (ext == "png" && r.Next(2) == 0)
        {
            // IHDR starts at byte 8: length 13, "IHDR", width, height, depth, colour type, compression, filter, interlace; CRC after.
            switch (r.Next(3))
            {
                case 0:
                    BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16 + (4 * r.Next(2))), (int)Pick(r, new long[] { 0, 1, 30_000, 100_000, int.MaxValue }));
                    break;
                case 1:
                    bytes[24 + r.Next(5)] = (byte)r.Next(256);
                    break;
                default:
                    bytes = bytes[..r.Next(33, bytes.Length)];
                    break;
            }

            var crc = Crc32(bytes.AsSpan(12, 17));
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), crc);
        }
        else
        {
            bytes = Mutate(r, bytes);
        }

        var path = Path.Combine(dir, "picture." + ext);
        File.WriteAllBytes(path, bytes);
        return r.Next(2) == 0
            ? ["predict", "--model", b.ModelDat, path, "--json", "--logits"]
            : ["predict", "--model", b.ModelDat, path, "--background", Pick(r, ["auto", "black", "white"]), "--invert", Pick(r, ["auto", "yes", "no"])];
    }

    /// <summary>A command that reads the model file at <paramref name="model"/>.</summary>
    private static string[] Target(Random r, Bases b, string dir, string model) => r.Next(5) switch
    {
        0 or 1 => ["predict", "--model", model, "--idx", b.DataDir + "/t10k-images-idx3-ubyte.gz", "--count", "2", "--json", "--logits"],
        2 => ["eval", "--model", model.EndsWith(".safetensors", StringComparison.Ordinal) ? b.ModelDat : model, "--data-dir", b.DataDir, "--output", Path.Combine(dir, "eval")],
        3 => ["summarize", "--model", model],
        _ => ["export", "--model", model, "--format", "safetensors", "--out", Path.Combine(dir, "out.safetensors")],
    };

    private static byte[] Safetensors(byte[] header, byte[] data, long lengthDelta)
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(prefix, header.Length + lengthDelta);
        return [.. prefix, .. header, .. data];
    }

    /// <summary>Random byte-level mutations: flips, interesting values, cuts, insertions, duplicated slices.</summary>
    private static byte[] Mutate(Random r, byte[] input)
    {
        var bytes = input.ToList();
        for (var m = r.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            // Most mutations hit the first 64 bytes, where headers are.
            var at = r.Next(3) == 0 ? r.Next(bytes.Count) : r.Next(Math.Min(64, bytes.Count));
            switch (r.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << r.Next(8));
                    break;
                case 1:
                    bytes[at] = Pick(r, new byte[] { 0x00, 0xFF, 0x7F, 0x80, 0x01 });
                    break;
                case 2:
                    bytes = bytes.Take(r.Next(bytes.Count)).ToList(); // truncated
                    break;
                case 3:
                    bytes.InsertRange(at, Enumerable.Range(0, r.Next(1, 64)).Select(_ => (byte)r.Next(256)));
                    break;
                case 4:
                {
                    var from = r.Next(bytes.Count);
                    var length = Math.Min(r.Next(1, 256), bytes.Count - from);
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
                }

                case 5:
                    if (at + 4 <= bytes.Count)
                    {
                        var value = (uint)Pick(r, Interesting);
                        var span = new byte[4];
                        if (r.Next(2) == 0)
                        {
                            BinaryPrimitives.WriteUInt32BigEndian(span, value);
                        }
                        else
                        {
                            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
                        }

                        for (var i = 0; i < 4; i++)
                        {
                            bytes[at + i] = span[i];
                        }
                    }

                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(r.Next(1, 32), bytes.Count - at));
                    break;
            }
        }

        return [.. bytes];
    }

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
