using LeNetFashion.Models;
using LeNetFashion.Models.Layers;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using LeNetFashion.Tests.Reliability;
using LeNetFashion.Training;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Models;

/// <summary>Channels-last memory (<see cref="MemoryFormats"/>): the conversion, bn-cnn's default, and runs that record and repeat their format.</summary>
[Collection("Torch")]
public sealed class MemoryFormatTests : TestBase
{
    private static IntPtr Address(Tensor t)
    {
        using var storage = t.storage<float>();
        return storage.data_ptr() + (nint)(t.storage_offset() * sizeof(float));
    }

    [Fact]
    public void From_keeps_the_values_and_gives_channels_last_strides_a_view_for_one_channel()
    {
        manual_seed(1);
        using var one = rand(2, 1, 5, 7);
        using var oneLast = ChannelsLast.From(one);
        Assert.Equal([35L, 1, 7, 1], oneLast.stride());
        Assert.Equal(Address(one), Address(oneLast)); // a view: one channel is already in that order
        Assert.True(ChannelsLast.Is(oneLast));
        Assert.False(ChannelsLast.Is(one));
        Assert.True(one.equal(oneLast).all().item<bool>());

        using var three = rand(2, 3, 4, 5);
        using var threeLast = ChannelsLast.From(three);
        Assert.Equal([60L, 1, 15, 3], threeLast.stride());
        Assert.Equal([2L, 3, 4, 5], threeLast.shape);
        Assert.True(ChannelsLast.Is(threeLast));
        Assert.False(ChannelsLast.Is(three));
        Assert.True(three.equal(threeLast).all().item<bool>());
        using var again = ChannelsLast.From(threeLast);
        Assert.Equal(Address(threeLast), Address(again));

        using var flat = rand(3, 4);
        Assert.Throws<ArgumentException>(() => ChannelsLast.From(flat));
    }

    [Fact]
    public void Bn_cnn_defaults_to_channels_last_and_the_tutorials_networks_to_contiguous()
    {
        Assert.Equal(MemoryFormats.ChannelsLast, Architectures.BnCnn.DefaultMemoryFormat);
        Assert.Equal(MemoryFormats.Contiguous, Architectures.LeNet.DefaultMemoryFormat);
        Assert.Equal(MemoryFormats.Contiguous, Architectures.LeNet5.DefaultMemoryFormat);
        using var bn = Classifier.Create(Architectures.BnCnn, ModelSpec.FashionMnist);
        Assert.Equal(MemoryFormats.ChannelsLast, bn.MemoryFormat);
        Assert.True(((TwoStageNetwork)bn.Model).ChannelsLastFeatures);
        bn.UseMemoryFormat(MemoryFormats.Contiguous);
        Assert.False(((TwoStageNetwork)bn.Model).ChannelsLastFeatures);
        bn.UseMemoryFormat(null);
        Assert.Equal(MemoryFormats.ChannelsLast, bn.MemoryFormat);
        Assert.Throws<ArgumentException>(() => bn.UseMemoryFormat("nhwc"));
    }

    /// <summary>
    /// The same bn-cnn weights in both formats: every convolution's output stays channels-last, the logits agree within
    /// 1e-5 and the weight gradients within 1e-4 relative (the formats sum in other orders), and the flattened features
    /// are in [C, H, W] order in both, so the classifier's weights mean the same.
    /// </summary>
    [Fact]
    public void Bn_cnn_computes_the_same_logits_and_gradients_in_both_formats_within_rounding()
    {
        manual_seed(7);
        using var model = new BnCnn();
        manual_seed(8);
        using var x = rand(16, 1, 28, 28);
        using var y = randint(0, 10, [16]);

        using (var input = ChannelsLast.From(x))
        using (var conv1 = ((nn.Module<Tensor, Tensor>)model.Stages[0].Stage[0]).call(input))
        {
            Assert.True(ChannelsLast.Is(conv1));
        }

        (float[] Logits, float[][] Grads) Run(bool channelsLast)
        {
            manual_seed(7);
            using var fresh = new BnCnn { ChannelsLastFeatures = channelsLast };
            using var scope = NewDisposeScope();
            fresh.eval();
            float[] logits;
            using (no_grad())
            {
                logits = fresh.forward(x).data<float>().ToArray();
            }

            fresh.train();
            manual_seed(9); // the same dropout mask in both
            nn.functional.cross_entropy(fresh.forward(x), y).backward();
            return (logits, fresh.parameters().Select(p => p.grad!.contiguous().data<float>().ToArray()).ToArray());
        }

        var (contiguousLogits, contiguousGrads) = Run(false);
        var (lastLogits, lastGrads) = Run(true);
        Assert.Equal(16 * 10, lastLogits.Length);
        for (var i = 0; i < lastLogits.Length; i++)
        {
            Assert.True(Math.Abs(contiguousLogits[i] - lastLogits[i]) <= 1e-5, $"logit {i}: {contiguousLogits[i]} vs {lastLogits[i]}");
        }

        for (var p = 0; p < lastGrads.Length; p++)
        {
            var scale = contiguousGrads[p].Max(Math.Abs);
            for (var i = 0; i < lastGrads[p].Length; i++)
            {
                Assert.True(Math.Abs(contiguousGrads[p][i] - lastGrads[p][i]) <= 1e-4 * scale, $"parameter {p} element {i}: {contiguousGrads[p][i]} vs {lastGrads[p][i]}");
            }
        }
    }

    /// <summary>
    /// A bn-cnn run records the format it trained in (its default, or <c>--memory-format</c>), and a model loaded for
    /// eval scores in that format, so eval repeats the run's test accuracy exactly.
    /// </summary>
    [Theory]
    [InlineData(null, MemoryFormats.ChannelsLast)]
    [InlineData(MemoryFormats.Contiguous, MemoryFormats.Contiguous)]
    public void A_run_records_its_format_and_eval_scores_in_it(string? given, string recorded)
    {
        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 256, 16);
        var run = TrainRun.Execute(
            new TrainRequest
            {
                DataDir = data,
                Config = new RunConfig { Architecture = "bn-cnn", Epochs = 1, BatchSize = 16, Device = ComputeDevice.Cpu, Threads = 1, Seed = 3, MemoryFormat = given },
                Output = Path.Combine(TempDir, "run"),
            },
            new RecordingReporter(null, -1),
            TestContext.Current.CancellationToken);
        Assert.Equal(recorded, run.Config.MemoryFormat);
        var (classifier, metadata) = ModelStore.Load(Path.Combine(run.OutputDir, RunFiles.Model));
        using (classifier)
        {
            Assert.Equal(recorded, metadata.Options!.MemoryFormat);
            Assert.Equal(recorded, classifier.MemoryFormat);
        }

        var json = Path.Combine(run.OutputDir, RunFiles.ModelJson);
        Assert.Contains($"\"memory_format\": \"{recorded}\"", File.ReadAllText(json));

        // Exported to safetensors, the model keeps its format.
        var exported = Path.Combine(TempDir, "model.safetensors");
        var (fromRun, _) = ModelStore.Load(Path.Combine(run.OutputDir, RunFiles.Model));
        using (fromRun)
        {
            SafetensorsFile.Save(exported, fromRun);
        }

        var (fromSafetensors, _) = SafetensorsFile.Load(exported);
        using (fromSafetensors)
        {
            Assert.Equal(recorded, fromSafetensors.MemoryFormat);
        }

        // A run recorded before the option existed (no key) trained in contiguous memory, whatever today's default.
        File.WriteAllText(json, File.ReadAllText(json).Replace($"\"memory_format\": \"{recorded}\",", "", StringComparison.Ordinal));
        Assert.DoesNotContain("memory_format", File.ReadAllText(json));
        var (old, oldMetadata) = ModelStore.Load(Path.Combine(run.OutputDir, RunFiles.Model));
        using (old)
        {
            Assert.Null(oldMetadata.Options!.MemoryFormat);
            Assert.Equal(MemoryFormats.Contiguous, old.MemoryFormat);
        }

        Assert.Equal(MemoryFormats.Contiguous, RunConfig.Read(json).MemoryFormat);
    }

    [Fact]
    public void Recorded_options_without_a_format_are_contiguous_and_a_partial_configuration_keeps_the_default()
    {
        Assert.Equal(MemoryFormats.Contiguous, RunConfig.WithRecordedMemoryFormat(new RunConfig { Architecture = "bn-cnn" }).MemoryFormat);
        Assert.Equal(MemoryFormats.ChannelsLast, RunConfig.WithRecordedMemoryFormat(new RunConfig { MemoryFormat = MemoryFormats.ChannelsLast }).MemoryFormat);
        var partial = Path.Combine(TempDir, "partial.json");
        File.WriteAllText(partial, """{ "architecture": "bn-cnn", "epochs": 2 }""");
        Assert.Null(RunConfig.Read(partial).MemoryFormat); // a configuration file of one's own: the architecture's default applies
        var whole = Path.Combine(TempDir, "model.json");
        File.WriteAllText(whole, """{ "architecture": "bn-cnn", "options": { "architecture": "bn-cnn", "epochs": 2 } }""");
        Assert.Equal(MemoryFormats.Contiguous, RunConfig.Read(whole).MemoryFormat); // a whole model.json: a recorded run
    }
}
