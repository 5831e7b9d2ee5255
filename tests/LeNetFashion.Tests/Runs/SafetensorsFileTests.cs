using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Runs;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Runs;

/// <summary>safetensors export and import: bitwise round trip, PyTorch's key names for every architecture, files without metadata, bad files.</summary>
[Collection("Torch")]
public sealed class SafetensorsFileTests : TestBase
{
    private static Classifier Fresh(Architecture a, int seed = 7)
    {
        manual_seed(seed);
        return Classifier.Create(a, ModelSpec.FashionMnist with { ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"class {i}")] }, new Preprocessing(0.25, 0.5));
    }

    /// <summary>Rewrites a safetensors file with its header changed by <paramref name="edit"/> (the tests' own minimal writer).</summary>
    private static void EditHeader(string path, Action<JsonObject> edit)
    {
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(bytes.AsSpan(8, n))!.AsObject();
        edit(header);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)json.Length);
        File.WriteAllBytes(path, [.. prefix, .. json, .. bytes.AsSpan(8 + n).ToArray()]);
    }

    [Theory]
    [InlineData("lenet")]
    [InlineData("lenet5")]
    [InlineData("bn-cnn")] // batch norm's num_batches_tracked is int64 (I64) in the file, as in PyTorch's
    public void Export_then_import_gives_bitwise_identical_tensors_class_names_and_preprocessing(string architecture)
    {
        using var original = Fresh(Architectures.Get(architecture));
        var path = TempFile("m.safetensors");

        SafetensorsFile.Save(path, original);
        var (loaded, metadata) = ModelStore.Load(path);
        using var _ = loaded;

        var a = original.Model.state_dict();
        var b = loaded.Model.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        Assert.All(a.Keys, k => Assert.Equal(a[k].bytes.ToArray(), b[k].bytes.ToArray()));
        Assert.Equal(original.ClassNames, loaded.ClassNames);
        Assert.Equal(new Preprocessing(0.25, 0.5), loaded.Preprocessing);
        Assert.Equal(architecture, metadata.Architecture);
    }

    [Fact]
    public void The_header_has_PyTorch_state_dict_keys_float32_contiguous_data_and_the_metadata_block()
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("m.safetensors");
        SafetensorsFile.Save(path, c);

        var (tensors, metadata) = SafetensorsFile.ReadHeader(path);

        Assert.Equal(
            ["conv.0.weight", "conv.0.bias", "conv.3.weight", "conv.3.bias", "fc.0.weight", "fc.0.bias", "fc.2.weight", "fc.2.bias", "fc.4.weight", "fc.4.bias"],
            tensors.Keys);
        Assert.Equal([120L, 256], tensors["fc.0.weight"].Shape);
        Assert.All(tensors.Values, t => Assert.Equal("F32", t.Dtype));
        var end = 0L;
        foreach (var t in tensors.Values)
        {
            Assert.Equal(end, t.Offsets[0]);
            Assert.Equal(t.Shape.Aggregate(4L, (x, y) => x * y), t.Offsets[1] - t.Offsets[0]);
            end = t.Offsets[1];
        }

        Assert.Equal(44_426 * 4, end);
        Assert.Equal("lenet", metadata["architecture"]);
        Assert.Equal("[\"class 0\",\"class 1\",\"class 2\",\"class 3\",\"class 4\",\"class 5\",\"class 6\",\"class 7\",\"class 8\",\"class 9\"]", metadata["class_names"]);
        Assert.Equal("{\"mean\":0.25,\"std\":0.5}", metadata["preprocessing"]);
        Assert.Equal("[1,28,28]", metadata["input_shape"]);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path)) % 8);
    }

    [Fact]
    public void Every_architecture_exports_its_own_state_dict_keys_and_shapes()
    {
        foreach (var architecture in Architectures.All)
        {
            using var c = Fresh(architecture);
            var path = TempFile(architecture.Name + ".safetensors");
            SafetensorsFile.Save(path, c);

            var (tensors, _) = SafetensorsFile.ReadHeader(path);

            var expected = c.Model.state_dict();
            Assert.Equal(expected.Keys, tensors.Keys);
            Assert.All(expected, kv => Assert.Equal(kv.Value.shape, tensors[kv.Key].Shape));
        }
    }

    [Fact]
    public void A_file_without_metadata_as_PyTorch_writes_it_loads_as_the_matching_architecture_with_Fashion_MNIST_names()
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("pytorch.safetensors");
        SafetensorsFile.Save(path, c);
        EditHeader(path, h => h.Remove(SafetensorsFile.MetadataKey));

        var (loaded, metadata) = ModelStore.Load(path);
        using var _ = loaded;

        Assert.Equal("lenet", loaded.Architecture.Name);
        Assert.Equal(FashionMnist.ClassNames, loaded.ClassNames);
        Assert.Equal(Preprocessing.ToTensor, loaded.Preprocessing);
        Assert.Null(metadata.Options);
        Assert.Equal(c.Model.state_dict()["fc.4.bias"].bytes.ToArray(), loaded.Model.state_dict()["fc.4.bias"].bytes.ToArray());
    }

    [Fact]
    public void Tensors_that_are_not_float32_are_refused_with_one_line()
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("f16.safetensors");
        SafetensorsFile.Save(path, c);
        EditHeader(path, h => h["fc.4.bias"]!["dtype"] = "F16");

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.Equal($"{path}: tensor 'fc.4.bias' is F16; expected F32 (float32) weights", e.Message);
    }

    [Theory]
    [InlineData("overlap")]
    [InlineData("gap")]
    [InlineData("size")]
    public void Overlapping_gapped_or_wrongly_sized_byte_ranges_are_refused(string fault)
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile($"{fault}.safetensors");
        SafetensorsFile.Save(path, c);
        EditHeader(path, h =>
        {
            // The gap: the first tensor moved 4 bytes on (it then ends inside the second, but the gap is found first).
            var key = fault == "gap" ? h.First(kv => kv.Key != SafetensorsFile.MetadataKey && kv.Value!["data_offsets"]![0]!.GetValue<long>() == 0).Key : "fc.4.bias";
            var offsets = h[key]!["data_offsets"]!.AsArray();
            var (begin, end) = (offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>());
            (long, long) moved = fault switch { "overlap" => (begin - 4, end - 4), "gap" => (begin + 4, end + 4), _ => (begin, end - 4) };
            h[key]!["data_offsets"] = new System.Text.Json.Nodes.JsonArray(moved.Item1, moved.Item2);
        });

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.StartsWith($"{path}: not a valid safetensors file: ", e.Message);
        Assert.Contains(fault switch { "overlap" => "overlaps the tensor before it", "gap" => "starts at byte 4 of the data, expected 0 (a gap before it)", _ => "spans 36 bytes, but F32 [10] needs 40" }, e.Message);
    }

    [Theory]
    [InlineData("""{"mean": 0.5, "std": 0}""")]
    [InlineData("""{"mean": 0.5, "std": -0.25}""")]
    [InlineData("""{"mean": 1e300, "std": 0.5}""")]
    [InlineData("""{"mean": 0.5}""")]
    [InlineData("""{"mean": 0.5, "std": 1e-40}""")]
    public void Stored_preprocessing_that_would_give_nan_or_flipped_inputs_is_refused(string preprocessing)
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("p.safetensors");
        SafetensorsFile.Save(path, c);
        EditHeader(path, h => h[SafetensorsFile.MetadataKey]!["preprocessing"] = preprocessing);

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.StartsWith($"{path}: stored preprocessing mean ", e.Message);
        Assert.EndsWith("expected both, finite, a mean within [-1, 2] and a standard deviation from 1e-6 to 10; the file is damaged or was not written for this tool", e.Message);
    }

    [Fact]
    public void Class_names_with_terminal_escapes_are_refused_before_anything_prints_them()
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("escape.safetensors");
        SafetensorsFile.Save(path, c);
        EditHeader(path, h => h[SafetensorsFile.MetadataKey]!["class_names"] = System.Text.Json.JsonSerializer.Serialize(Enumerable.Range(0, 10).Select(i => i == 3 ? "error: \u001b[2J" : $"c{i}")));

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.Equal($"{path}: not a valid safetensors file: metadata: class names: name 3 holds control or formatting characters (terminal escapes, line breaks, direction overrides), which would be printed raw", e.Message);
    }

    [Fact]
    public void A_file_whose_keys_match_no_architecture_is_refused_naming_the_keys()
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("other.safetensors");
        SafetensorsFile.Save(path, c);
        EditHeader(path, h =>
        {
            h.Remove(SafetensorsFile.MetadataKey);
            var t = h["fc.4.bias"]!.DeepClone();
            h.Remove("fc.4.bias");
            h["head.bias"] = t;
        });

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.Equal($"{path}: no architecture metadata, and its 10 tensors (conv.0.weight, conv.0.bias, conv.3.weight…) match no registered architecture's state dict ({string.Join(", ", LeNetFashion.Models.Architectures.Names)})", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused_as_not_a_valid_safetensors_file()
    {
        var path = TempFile("cut.safetensors");
        File.WriteAllBytes(path, [0x40, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.Equal($"{path}: not a valid safetensors file: header length 64 does not fit the 9-byte file", e.Message);
    }

    [Fact]
    public void A_stored_input_shape_that_would_allocate_gigabytes_is_refused_before_the_model_is_built()
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("big-shape.safetensors");
        SafetensorsFile.Save(path, c);
        EditHeader(path, h => h[SafetensorsFile.MetadataKey]!["input_shape"] = "[1,4096,4096]");
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16L << 20);
        Assert.Equal($"{path}: tensor 'fc.0.weight' is [120, 256]; 'lenet' for input [1, 4096, 4096] and 10 classes needs [120, 16679056]", e.Message);
    }

    [Fact]
    public void A_tensor_whose_stored_shape_is_not_the_architecture_s_is_refused_by_the_header_before_any_tensor_is_read()
    {
        using var c = Fresh(Architectures.LeNet);
        var path = TempFile("wrong-shape.safetensors");
        SafetensorsFile.Save(path, c);
        // fc.4 is [10, 84] (3,360 bytes); a [84, 10] tensor spans the same bytes, so only the shapes tell them apart.
        EditHeader(path, h => h["fc.4.weight"]!["shape"] = new JsonArray(84, 10));

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.Equal($"{path}: tensor 'fc.4.weight' is [84, 10]; 'lenet' for input [1, 28, 28] and 10 classes needs [10, 84]", e.Message);
    }

    [Fact]
    public void A_header_over_4_MB_is_refused_by_its_length_alone()
    {
        var path = TempFile("big-header.safetensors");
        var bytes = new byte[8 + 5_000_000];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 5_000_000);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<ModelFileException>(() => ModelStore.Load(path));

        Assert.Equal($"{path}: not a valid safetensors file: a header of 5,000,000 bytes; at most 4,000,000 are read (a model of this tool has a header of a few KB)", e.Message);
    }
}
