using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeNetFashion.Data;
using LeNetFashion.IO;
using LeNetFashion.Models;
using TorchSharp.PyBridge;

namespace LeNetFashion.Runs;

/// <summary>
/// Models as safetensors files (https://huggingface.co/docs/safetensors: an 8-byte little-endian header length, a
/// JSON header mapping each tensor name to its dtype, shape and byte offsets, optionally a <c>__metadata__</c> object of
/// string values, then the raw little-endian data). The tensors are written and read by TorchSharp.PyBridge
/// (<c>save_safetensors</c>/<c>load_safetensors</c>) under PyTorch's state-dict keys (<c>conv.0.weight</c> …
/// <c>fc.4.bias</c> for <c>lenet</c>), float32, contiguous, so PyTorch's <c>load_state_dict(strict=True)</c> takes them.
/// PyBridge cannot write a metadata block, so <see cref="Save"/> inserts one into the header PyBridge wrote, leaving the
/// tensor data bytes untouched (the offsets are relative to the end of the header).
/// </summary>
/// <remarks>
/// Metadata keys written: <c>format</c> (<see cref="ModelMetadata.CurrentFormat"/>), <c>architecture</c>,
/// <c>class_names</c> (a JSON array), <c>input_shape</c> (JSON array <c>[C, H, W]</c>) and <c>preprocessing</c> (JSON
/// <c>{"mean": …, "std": …}</c>, nulls when the model scales to [0, 1] only) and <c>memory_format</c>
/// (<see cref="MemoryFormats"/>; the model is scored in it). A file without metadata (as PyTorch's
/// <c>safetensors.torch.save_file</c> writes by default) is read as the registered architecture whose state-dict keys and
/// shapes it matches exactly, with Fashion-MNIST's class names and <see cref="Preprocessing.ToTensor"/>.
/// </remarks>
public static class SafetensorsFile
{
    /// <summary>File extension that selects this format in <see cref="ModelStore.Load"/>.</summary>
    public const string Extension = ".safetensors";

    /// <summary>Key of the metadata object in the header (fixed by the format).</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Largest header accepted, in bytes: 4 MB. The reference implementation allows 100 MB, but a header that size (many
    /// small tensors) took 3.5 GB to parse; a model of this tool's architectures has about 20 tensors and a header of
    /// 1–2 KB, and 4 MB leaves room for tens of thousands of class names.
    /// </summary>
    public const long MaxHeaderBytes = 4_000_000;

    /// <summary>Most tensors accepted in one file (this tool's architectures have at most about 20).</summary>
    public const int MaxTensors = 10_000;

    /// <summary>Whether <paramref name="path"/> names a safetensors file (by its extension, case-insensitive).</summary>
    public static bool IsSafetensors(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes the model's weights and metadata as a safetensors file, atomically.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="classifier">The model (any device; written as float32).</param>
    /// <param name="preparation">How pictures are brought to its input (<c>none</c>, <c>fashion-mnist</c>, <c>mnist</c>), stored as <c>preparation</c> in the metadata; null to leave it out.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, Classifier classifier, string? preparation = null)
    {
        using var stream = new MemoryStream();
        classifier.Model.save_safetensors(stream, leaveOpen: true);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = ModelMetadata.CurrentFormat,
            ["architecture"] = classifier.Architecture.Name,
            ["class_names"] = JsonSerializer.Serialize(classifier.ClassNames, CompactJson),
            ["input_shape"] = JsonSerializer.Serialize(classifier.Spec.InputShape, CompactJson),
            ["preprocessing"] = JsonSerializer.Serialize(classifier.Preprocessing, CompactJson),
            ["memory_format"] = classifier.MemoryFormat,
        };
        if (preparation is not null)
        {
            metadata["preparation"] = preparation;
        }

        AtomicFile.WriteAllBytes(path, WithMetadata(stream.ToArray(), metadata));
    }

    /// <summary>Reads the header of a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Each tensor's dtype (<c>F32</c>…), shape and data offsets, by name, in file order, and the metadata (empty when none).</returns>
    /// <exception cref="ModelFileException">Missing file, or not a valid safetensors header.</exception>
    public static (IReadOnlyDictionary<string, (string Dtype, long[] Shape, long[] Offsets)> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadHeader(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelFileException($"{path}: model file not found");
        }

        if (IO.Files.Length(path) == 0)
        {
            throw new ModelFileException($"{path}: empty (0 bytes) or not a regular file (a device or pipe); expected a safetensors file");
        }

        try
        {
            using var file = File.OpenRead(path);
            Span<byte> prefix = stackalloc byte[8];
            if (file.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            {
                throw Bad(path, $"{file.Length} byte(s), too short for the 8-byte header length");
            }

            var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (length > (ulong)(file.Length - 8))
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"header length {length} does not fit the {file.Length:N0}-byte file"));
            }

            if (length > MaxHeaderBytes)
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"a header of {length:N0} bytes; at most {MaxHeaderBytes:N0} are read (a model of this tool has a header of a few KB)"));
            }

            var json = new byte[length];
            file.ReadExactly(json);
            var root = JsonNode.Parse(json) as JsonObject ?? throw Bad(path, "the header is not a JSON object");
            var dataLength = file.Length - 8 - (long)length;
            var tensors = new Dictionary<string, (string, long[], long[])>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.Count > MaxTensors + 1)
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"the header lists {root.Count:N0} entries; at most {MaxTensors:N0} tensors are read"));
            }

            foreach (var (key, value) in root)
            {
                if (key == MetadataKey)
                {
                    foreach (var (k, v) in value as JsonObject ?? throw Bad(path, "__metadata__ is not an object"))
                    {
                        metadata[k] = v?.GetValue<string>() ?? "";
                    }

                    continue;
                }

                var dtype = value?["dtype"]?.GetValue<string>();
                var shape = value?["shape"]?.AsArray().Select(d => d?.GetValue<long>() ?? -1).ToArray();
                var offsets = value?["data_offsets"]?.AsArray().Select(d => d?.GetValue<long>() ?? -1).ToArray();
                if (dtype is null || shape is null || shape.Any(d => d < 0) || offsets is not [var begin, var end] || begin < 0 || end < begin || end > dataLength)
                {
                    throw Bad(path, $"tensor '{key}' has no valid dtype, shape and data_offsets within the file");
                }

                tensors[key] = (dtype, shape, offsets);
            }

            CheckRanges(path, tensors, dataLength);
            return (tensors, metadata);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw Bad(path, $"the header is not valid JSON of the expected shape ({e.Message})", e);
        }
    }

    /// <summary>
    /// Refuses byte ranges the reference loader refuses: each F32 or I64 tensor's range must hold exactly its elements, and the
    /// ranges, in order, must cover the data from its first byte to its last without overlap or gap (an overlap would let
    /// two tensors share bytes, so a model would answer with weights nobody wrote).
    /// </summary>
    /// <exception cref="ModelFileException">A range of the wrong size, an overlap, a gap, or bytes after the last tensor.</exception>
    private static void CheckRanges(string path, Dictionary<string, (string Dtype, long[] Shape, long[] Offsets)> tensors, long dataLength)
    {
        long next = 0;
        foreach (var (key, (dtype, shape, offsets)) in tensors.OrderBy(t => t.Value.Offsets[0]).ThenBy(t => t.Value.Offsets[1]))
        {
            // Sizes are checked for the two types a model here holds; any other type is refused by name when loading.
            var elements = shape.Aggregate(1L, (a, d) => d == 0 || a <= long.MaxValue / d ? a * d : long.MaxValue);
            var size = dtype switch { "I64" => 8, "F32" => 4, _ => 0 };
            if (size > 0 && offsets[1] - offsets[0] != elements * size)
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"tensor '{key}' spans {offsets[1] - offsets[0]} bytes, but {dtype} [{string.Join(", ", shape)}] needs {elements * size}"));
            }

            if (offsets[0] != next)
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"tensor '{key}' starts at byte {offsets[0]} of the data, expected {next} ({(offsets[0] < next ? "it overlaps the tensor before it" : "a gap before it")})"));
            }

            next = offsets[1];
        }

        if (next != dataLength)
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"{dataLength - next} byte(s) after the last tensor"));
        }
    }

    /// <summary>
    /// The dtype a state-dict entry has in PyTorch: int64 (<c>I64</c>) for batch norm's <c>num_batches_tracked</c>
    /// counter, float32 (<c>F32</c>) for every weight, bias and running statistic.
    /// </summary>
    private static string ExpectedDtype(string key) => key.EndsWith(".num_batches_tracked", StringComparison.Ordinal) ? "I64" : "F32";

    /// <summary>Loads a model from a safetensors file (the metadata from its header, the tensors through PyBridge).</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedArchitecture">When set, refuse a model of any other architecture.</param>
    /// <returns>The classifier (on the CPU, in eval mode; the caller disposes it) and metadata built from the header.</returns>
    /// <exception cref="ModelFileException">Missing or damaged file, tensors that are not float32 (batch norm's int64 counter apart), an unknown architecture,
    /// keys or shapes that match no registered architecture, malformed metadata, or NaN or infinite weights.</exception>
    public static (Classifier Classifier, ModelMetadata Metadata) Load(string path, string? expectedArchitecture = null)
    {
        var (tensors, meta) = ReadHeader(path);
        if (tensors.FirstOrDefault(t => t.Value.Dtype != ExpectedDtype(t.Key)) is { Key: not null } other)
        {
            throw new ModelFileException($"{path}: tensor '{other.Key}' is {other.Value.Dtype}; expected {(ExpectedDtype(other.Key) == "F32" ? "F32 (float32) weights" : "I64 (int64), batch norm's counter")}");
        }

        Architecture architecture;
        if (meta.TryGetValue("architecture", out var name))
        {
            if (!Architectures.TryGet(name, out architecture))
            {
                throw new ModelFileException($"{path}: architecture '{name}' is not one this tool knows ({string.Join(", ", Architectures.Names)})");
            }
        }
        else
        {
            var matching = Architectures.All.Where(a => MatchesWithoutMetadata(a, tensors, meta)).ToList();
            if (matching.Count != 1)
            {
                throw new ModelFileException(
                    $"{path}: no architecture metadata, and its {tensors.Count} tensors ({string.Join(", ", tensors.Keys.Take(3))}…) match {(matching.Count == 0 ? "no" : "more than one")} registered architecture's state dict ({string.Join(", ", Architectures.Names)})");
            }

            architecture = matching[0];
        }

        if (expectedArchitecture is not null && architecture.Name != expectedArchitecture)
        {
            throw new ModelFileException($"{path}: architecture '{architecture.Name}', expected '{expectedArchitecture}'");
        }

        ModelSpec spec;
        Preprocessing preprocessing;
        try
        {
            spec = SpecFor(architecture, tensors, meta);
            preprocessing = meta.TryGetValue("preprocessing", out var p) ? JsonSerializer.Deserialize<Preprocessing>(p, CompactJson)! : Preprocessing.ToTensor;
        }
        catch (JsonException e)
        {
            throw Bad(path, $"malformed metadata ({e.Message})", e);
        }
        catch (ArgumentException e)
        {
            throw Bad(path, $"metadata: {e.Message}", e);
        }

        // The header's shapes are compared with the architecture's before PyBridge reads any tensor, so a file whose
        // header claims a tensor of gigabytes is refused by its header alone.
        IReadOnlyDictionary<string, long[]> expected;
        try
        {
            expected = StateDictShapes(architecture, spec);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"{path}: {e.Message}", e);
        }

        if (expected.FirstOrDefault(kv => !tensors.TryGetValue(kv.Key, out var t) || !t.Shape.SequenceEqual(kv.Value)) is { Key: not null } missing)
        {
            throw new ModelFileException(tensors.TryGetValue(missing.Key, out var found)
                ? $"{path}: tensor '{missing.Key}' is [{string.Join(", ", found.Shape)}]; '{architecture.Name}' for input [{string.Join(", ", spec.InputShape)}] and {spec.ClassCount} classes needs [{string.Join(", ", missing.Value)}]"
                : $"{path}: tensor '{missing.Key}' of the '{architecture.Name}' state dict is missing; expected the keys {string.Join(", ", expected.Keys)}");
        }

        if (tensors.Keys.FirstOrDefault(k => !expected.ContainsKey(k)) is { } extra)
        {
            throw new ModelFileException($"{path}: tensor '{extra}' is not in the '{architecture.Name}' state dict; expected the keys {string.Join(", ", expected.Keys)}");
        }

        // The format the model was trained in, so that its logits are model.dat's to the bit. Files this tool wrote before
        // the key existed came from contiguous memory; files from elsewhere (PyTorch) get the architecture's default.
        var memoryFormat = meta.TryGetValue("memory_format", out var stored) ? stored : meta.ContainsKey("format") ? MemoryFormats.Contiguous : null;
        if (memoryFormat is not null && !MemoryFormats.Names.Contains(memoryFormat))
        {
            throw Bad(path, $"metadata: memory_format '{memoryFormat}': expected one of {string.Join(", ", MemoryFormats.Names)}");
        }

        var classifier = ModelStore.Build(path, architecture, spec, preprocessing, m => m.load_safetensors(path, strict: true), e =>
            $"{path}: its tensors do not fit the '{architecture.Name}' state dict ({IO.Messages.FirstLine(e.Message)}); expected the keys {string.Join(", ", StateDictShapes(architecture, spec).Keys)}");
        classifier.UseMemoryFormat(memoryFormat);
        var metadata = new ModelMetadata
        {
            Architecture = architecture.Name,
            ClassNames = spec.ClassNames,
            Preparation = meta.TryGetValue("preparation", out var preparation) && Imaging.Preparations.Parse(preparation) is not null ? preparation : null,
            InputShape = spec.InputShape,
            Preprocessing = preprocessing,
        };
        return (classifier, metadata);
    }

    /// <summary>State-dict key → shape of a fresh instance of <paramref name="architecture"/> built for <paramref name="spec"/> (Fashion-MNIST's when null).</summary>
    public static IReadOnlyDictionary<string, long[]> StateDictShapes(Architecture architecture, ModelSpec? spec = null)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (key, shape) in architecture.StateDictShapes(spec ?? ModelSpec.FashionMnist))
        {
            shapes[key] = shape;
        }

        return shapes;
    }

    /// <summary>
    /// The shapes a file's model was built for: <c>input_shape</c> and <c>class_names</c> from its metadata; without
    /// them <c>[1, 28, 28]</c>, and as many classes as the architecture's last tensor (the final layer's bias) has
    /// rows, named as Fashion-MNIST's when there are 10 and "0", "1", … otherwise.
    /// </summary>
    /// <exception cref="JsonException">Malformed metadata values.</exception>
    /// <exception cref="ArgumentException">A shape or class list no model can have.</exception>
    private static ModelSpec SpecFor(Architecture architecture, IReadOnlyDictionary<string, (string Dtype, long[] Shape, long[] Offsets)> tensors, IReadOnlyDictionary<string, string> meta)
    {
        var shape = meta.TryGetValue("input_shape", out var s) ? JsonSerializer.Deserialize<long[]>(s) : null;
        if (meta.TryGetValue("class_names", out var names))
        {
            return ModelSpec.From(shape, JsonSerializer.Deserialize<string[]>(names)!);
        }

        var last = StateDictShapes(architecture).Keys.Last();
        var classes = tensors.TryGetValue(last, out var t) && t.Shape.Length == 1 ? t.Shape[0] : 10;
        return ModelSpec.From(shape, classes == 10 ? FashionMnist.ClassNames : [.. Enumerable.Range(0, (int)Math.Clamp(classes, 0, 100_000)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }

    // Compact, and without escaping quotes and non-ASCII letters as \uXXXX: the header stays readable (it is not HTML).
    private static readonly JsonSerializerOptions CompactJson = new(ModelStore.JsonOptions) { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Whether a file without architecture metadata holds <paramref name="a"/>'s state dict; false when its other metadata or shapes fit no model of it.</summary>
    private static bool MatchesWithoutMetadata(Architecture a, IReadOnlyDictionary<string, (string Dtype, long[] Shape, long[] Offsets)> tensors, IReadOnlyDictionary<string, string> meta)
    {
        try
        {
            return Matches(a, tensors, SpecFor(a, tensors, meta));
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            return false;
        }
    }

    private static bool Matches(Architecture a, IReadOnlyDictionary<string, (string Dtype, long[] Shape, long[] Offsets)> tensors, ModelSpec spec)
    {
        var shapes = StateDictShapes(a, spec);
        return shapes.Count == tensors.Count && shapes.All(s => tensors.TryGetValue(s.Key, out var t) && t.Shape.SequenceEqual(s.Value));
    }

    /// <summary>Rebuilds a safetensors file with <paramref name="metadata"/> in its header; the data bytes are copied unchanged.</summary>
    private static byte[] WithMetadata(byte[] file, IReadOnlyDictionary<string, string> metadata)
    {
        var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        var header = JsonNode.Parse(file.AsSpan(8, length))!.AsObject();
        var rebuilt = new JsonObject { [MetadataKey] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))) };
        foreach (var (key, value) in header)
        {
            if (key != MetadataKey)
            {
                rebuilt[key] = value?.DeepClone();
            }
        }

        // Pad the header with spaces to a multiple of 8 bytes, as the reference implementation does, so the data stays aligned.
        var json = Encoding.UTF8.GetBytes(rebuilt.ToJsonString(CompactJson));
        var padded = (json.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + (file.Length - 8 - length)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        result.AsSpan(8, padded).Fill((byte)' ');
        json.CopyTo(result, 8);
        file.AsSpan(8 + length).CopyTo(result.AsSpan(8 + padded));
        return result;
    }

    private static ModelFileException Bad(string path, string what, Exception? inner = null) =>
        new($"{path}: not a valid safetensors file: {what}", inner);

}
