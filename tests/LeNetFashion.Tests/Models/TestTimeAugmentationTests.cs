using LeNetFashion.Models;
using Xunit;
using static TorchSharp.torch;

namespace LeNetFashion.Tests.Models;

/// <summary>Test-time augmentation: the views, the averaging, where it applies and where it does not.</summary>
[Collection("Torch")]
public sealed class TestTimeAugmentationTests
{
    [Fact]
    public void Flip_shift_scores_ten_views_each_shifted_with_black_coming_in_and_averages_their_probabilities()
    {
        // A 1 × 1 × 3 × 3 picture 1..9 and a "network" that returns [sum of the top row, sum of the left column]:
        // each view is seen exactly, so the averaged probabilities can be computed by hand.
        using var pixels = tensor(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [1, 1, 3, 3]);
        var seen = new List<byte[]>();
        Tensor Net(Tensor view)
        {
            seen.Add(view.data<byte>().ToArray());
            var f = view.to_type(ScalarType.Float32);
            return stack([f[.., 0, 0, ..].sum(1), f[.., 0, .., 0].sum(1)], 1);
        }

        using var logits = TestTimeAugmentation.Logits(TestTimeAugmentation.FlipShift, pixels, Net);

        Assert.Equal(10, seen.Count);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, seen[0]);
        Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4, 9, 8, 7 }, seen[1]); // its mirror image
        Assert.Equal(new byte[] { 4, 5, 6, 7, 8, 9, 0, 0, 0 }, seen[2]); // shifted up: black row at the bottom
        Assert.Equal(new byte[] { 0, 0, 0, 1, 2, 3, 4, 5, 6 }, seen[4]); // shifted down
        Assert.Equal(new byte[] { 2, 3, 0, 5, 6, 0, 8, 9, 0 }, seen[6]); // shifted left
        Assert.Equal(new byte[] { 0, 1, 2, 0, 4, 5, 0, 7, 8 }, seen[8]); // shifted right
        var expected = new double[2];
        foreach (var v in seen)
        {
            double top = v[0] + v[1] + v[2], left = v[0] + v[3] + v[6];
            var m = Math.Max(top, left);
            var z = Math.Exp(top - m) + Math.Exp(left - m);
            expected[0] += Math.Exp(top - m) / z / seen.Count;
            expected[1] += Math.Exp(left - m) / z / seen.Count;
        }

        var p = nn.functional.softmax(logits, 1).data<float>().ToArray();
        Assert.Equal(expected[0], p[0], 6);
        Assert.Equal(expected[1], p[1], 6);
    }

    [Fact]
    public void A_classifier_applies_its_augmentation_in_eval_mode_only_and_not_when_asked_for_one_view()
    {
        manual_seed(5);
        using var c = Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist, new Preprocessing { TestTimeAugmentation = "flip" });
        using var pixels = randint(0, 256, [4, 1, 28, 28]).to_type(ScalarType.Byte);
        c.Model.eval();
        using var noGrad = no_grad();
        using var plain = c.Logits(pixels, testTimeAugmentation: false);
        using var mirrored = c.Logits(pixels.flip(3), testTimeAugmentation: false);
        using var averaged = c.Logits(pixels);

        using var expected = stack([nn.functional.log_softmax(plain, 1), nn.functional.log_softmax(mirrored, 1)], 0).logsumexp(0).sub(Math.Log(2));
        Assert.True(averaged.allclose(expected, rtol: 0, atol: 1e-6));
        c.Model.train();
        using var training = c.Logits(pixels);
        Assert.True(training.allclose(plain, rtol: 0, atol: 0)); // LeNet has no dropout: train mode is the plain forward pass
        c.UseTestTimeAugmentation("none");
        c.Model.eval();
        Assert.True(c.Logits(pixels).allclose(plain, rtol: 0, atol: 0));
    }

    [Fact]
    public void Names_are_checked_and_none_is_stored_as_null()
    {
        Assert.Equal([1, 2, 10], TestTimeAugmentation.Names.Select(TestTimeAugmentation.Views));
        Assert.Null(TestTimeAugmentation.Normalize("none"));
        Assert.Equal("flip", TestTimeAugmentation.Normalize("flip"));
        Assert.Contains("unknown test-time augmentation 'rotate'", Assert.Throws<ArgumentException>(() => TestTimeAugmentation.Normalize("rotate")).Message);
        Assert.Equal("{\"mean\":null,\"std\":null}", System.Text.Json.JsonSerializer.Serialize(Preprocessing.ToTensor, LeNetFashion.Runs.ModelStore.JsonOptions).Replace("\n", "").Replace(" ", ""));
    }

    [Fact]
    public void A_model_file_naming_an_unknown_augmentation_is_refused_as_a_bad_file()
    {
        manual_seed(2);
        using var c = Classifier.Create(Architectures.LeNet, ModelSpec.FashionMnist, new Preprocessing { TestTimeAugmentation = "rotate" });
        var path = Path.Combine(Path.GetTempPath(), $"tta-{Guid.NewGuid():N}.safetensors");
        try
        {
            LeNetFashion.Runs.SafetensorsFile.Save(path, c);
            var e = Assert.Throws<LeNetFashion.Runs.ModelFileException>(() => LeNetFashion.Runs.ModelStore.Load(path));
            Assert.Equal($"{path}: stored preprocessing.test_time_augmentation 'rotate': expected one of none, flip, flip-shift; the file is damaged or was written by a newer tool", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
