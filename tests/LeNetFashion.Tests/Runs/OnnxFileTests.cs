using System.Globalization;
using LeNetFashion.Cli;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.Models;
using LeNetFashion.Runs;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Runs;

/// <summary>
/// ONNX export checked by ONNX Runtime: for every architecture (and the test-time augmentations), ONNX Runtime's
/// logits equal TorchSharp's within 1e-5 on real test images, and the test accuracy through ONNX Runtime equals
/// <c>eval</c>'s exactly; the graph's inputs, outputs, opset and metadata; refusals.
/// </summary>
[Collection("Torch")]
public sealed class OnnxFileTests : TestBase
{
    /// <summary>Logits of <paramref name="pixels"/> (<c>[N, 1, 28, 28]</c> bytes) through ONNX Runtime, fed as byte / 255f.</summary>
    private static float[] OnnxLogits(InferenceSession session, byte[] pixels, int n, int h = 28, int w = 28)
    {
        var input = new DenseTensor<float>(pixels.Select(b => b / 255f).ToArray(), [n, 1, h, w]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxFile.InputName, input)]);
        var logits = results.Single(r => r.Name == OnnxFile.LogitsName).AsTensor<float>();
        var probabilities = results.Single(r => r.Name == OnnxFile.ProbabilitiesName).AsTensor<float>();
        Assert.Equal([n, 10], logits.Dimensions.ToArray());
        Assert.Equal([n, 10], probabilities.Dimensions.ToArray());
        return logits.ToArray();
    }

    [Theory]
    [InlineData("lenet", "none", 13)]
    [InlineData("lenet5", "none", 13)]
    [InlineData("bn-cnn", "none", 13)]
    [InlineData("lenet", "flip-shift", 13)]
    [InlineData("lenet5", "flip", 11)]
    [InlineData("bn-cnn", "none", 9)]
    [InlineData("lenet", "flip-shift", 9)]
    public void Onnx_Runtime_gives_TorchSharps_logits_within_1e_5_and_evals_test_accuracy_exactly(string architecture, string tta, int opset)
    {
        var dataDir = EndToEnd.RealDataTests.FindData()!;
        var run = Path.Combine(TempDir, "run");
        var error = new StringWriter();
        var trainLog = new StringWriter();
        var code = CliApp.Run(["train", "--data-dir", dataDir, "--arch", architecture, "--epochs", "1", "--limit", "3200", "--lr", architecture == "lenet" ? "0.01" : "0.002", "--normalize", "--tta", tta, "--seed", "0", "--no-tensorboard", "--output", run], trainLog, error, TestContext.Current.CancellationToken);
        Assert.True(code == 0, $"train: exit {code}: {error}");
        // With --tta the final validation is scored both ways (the per-epoch one on one view) and both are kept.
        var metadata = ModelStore.LoadMetadata(Path.Combine(run, "model.dat"));
        Assert.Equal(tta == "none", metadata.ValAccuracyOneView is null);
        Assert.Equal(tta == "none" ? null : tta, metadata.Preprocessing!.TestTimeAugmentation);
        Assert.Equal(tta != "none", trainLog.ToString().Contains(string.Create(CultureInfo.InvariantCulture, $"on one view, {metadata.ValAccuracy:F4} with --tta {tta})"), StringComparison.Ordinal));
        var model = Path.Combine(run, "model.dat");
        var onnx = TempFile("m.onnx");
        var output = new StringWriter();
        code = CliApp.Run(["export", "--model", model, "--format", "onnx", "--opset", opset.ToString(CultureInfo.InvariantCulture), "--out", onnx], output, error, TestContext.Current.CancellationToken);
        Assert.True(code == 0, $"export: exit {code}: {error}");
        Assert.Contains($"ONNX opset {opset}", output.ToString());

        var (classifier, _) = ModelStore.Load(model);
        using var _ = classifier;

        var test = TrainingData.LoadPart(Datasets.FashionMnist, dataDir, null, DatasetPart.Test);
        using var session = new InferenceSession(onnx);
        Assert.Equal(architecture, session.ModelMetadata.CustomMetadataMap["architecture"]);
        Assert.Contains("\"Ankle boot\"", session.ModelMetadata.CustomMetadataMap["class_names"]);

        // Logits of the first 64 test images: ONNX Runtime against TorchSharp's.
        const int n = 64;
        using var pixels = tensor(test.Pixels.AsSpan(0, n * 784).ToArray(), [n, 1, 28, 28]);
        var expected = classifier.PredictLogits(pixels).SelectMany(r => r).ToArray();
        var actual = OnnxLogits(session, test.Pixels.AsSpan(0, n * 784).ToArray(), n);
        var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5, $"largest logit difference {worst:G3}");

        // Test accuracy over the 10,000 images: ONNX Runtime's argmax against eval's (Evaluator, as eval scores).
        using var testData = TensorData.FromDataset(test, CPU);
        var evalAccuracy = Evaluator.Predict(classifier, testData, 0, testData.Count, Evaluator.DefaultBatchSize).Accuracy;
        var correct = 0;
        for (var start = 0; start < test.Count; start += 1000)
        {
            var count = Math.Min(1000, test.Count - start);
            var logits = OnnxLogits(session, test.Pixels.AsSpan(start * 784, count * 784).ToArray(), count);
            for (var i = 0; i < count; i++)
            {
                var row = logits.AsSpan(i * 10, 10);
                var predicted = row.IndexOf(row.ToArray().Max());
                correct += predicted == test.Labels[start + i] ? 1 : 0;
            }
        }

        Assert.Equal(evalAccuracy, (double)correct / test.Count);
        Assert.InRange(evalAccuracy, 0.3, 1.0); // a model that learned something, so the comparison means something
    }

    [Fact]
    public void The_graph_declares_its_input_outputs_opset_ir_version_and_metadata()
    {
        manual_seed(3);
        using var c = Classifier.Create(Architectures.BnCnn, ModelSpec.FashionMnist, new Preprocessing(0.25, 0.5) { TestTimeAugmentation = "flip" });
        var m = OnnxFile.Build(c, "fashion-mnist", 12);

        Assert.Equal(12, m.OpsetImport.Single().Version);
        Assert.Equal(7, m.IrVersion);
        var input = m.Graph.Input.Single();
        Assert.Equal("input", input.Name);
        Assert.Equal(["N", "1", "28", "28"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam is { Length: > 0 } p ? p : d.DimValue.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(["logits", "probabilities"], m.Graph.Output.Select(o => o.Name));
        // Weights under PyTorch's state-dict keys; batch norm in its inference form; dropout left out.
        Assert.Contains("features.1.running_var", m.Graph.Initializer.Select(i => i.Name));
        Assert.Contains("classifier.1.weight", m.Graph.Initializer.Select(i => i.Name));
        Assert.DoesNotContain(m.Graph.Node, n => n.OpType == "Dropout");
        Assert.Equal(3, m.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Equal(1, m.Graph.Node.Count(n => n.OpType == "Gather")); // flip: the picture and its one mirror image
        Assert.Equal(["Gather", "Concat", "Sub", "Div", "Conv"], m.Graph.Node.Take(5).Select(n => n.OpType));
        var meta = m.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("bn-cnn", meta["architecture"]);
        Assert.Equal("[1,28,28]", meta["input_shape"]);
        Assert.Equal("fashion-mnist", meta["preparation"]);
        Assert.Contains("\"test_time_augmentation\":\"flip\"", meta["preprocessing"]);
        Assert.Equal(83_562L, c.Model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Export_refuses_a_wrong_extension_an_opset_out_of_range_and_opset_without_onnx()
    {
        manual_seed(1);
        using var c = Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist);
        var model = TempFile("m.safetensors");
        SafetensorsFile.Save(model, c);

        (int Code, string Error) Export(params string[] args)
        {
            var error = new StringWriter();
            var code = CliApp.Run(["export", "--model", model, .. args], new StringWriter(), error, TestContext.Current.CancellationToken);
            return (code, error.ToString().Trim());
        }

        var wrong = Export("--format", "onnx", "--out", TempFile("m.safetensors2"));
        Assert.Equal(5, wrong.Code); // an output the tool cannot write as asked
        Assert.Contains("expected a file name ending in .onnx for --format onnx", wrong.Error);
        var opset = Export("--format", "onnx", "--opset", "14", "--out", TempFile("m.onnx"));
        Assert.Equal((1, $"error: --opset 14: expected 9 to 13"), opset);
        var notOnnx = Export("--opset", "12", "--out", TempFile("n.safetensors"));
        Assert.Equal((1, "error: --opset: only with --format onnx"), notOnnx);
        Assert.False(File.Exists(TempFile("m.onnx")));
    }
}
