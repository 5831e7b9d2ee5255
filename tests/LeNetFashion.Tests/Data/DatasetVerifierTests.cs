using System.Security.Cryptography;
using System.Text.Json;
using LeNetFashion.Data;
using Xunit;

namespace LeNetFashion.Tests.Data;

public sealed class DatasetVerifierTests : TestBase
{
    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private (byte[] Images, byte[] Labels) WriteTestPart(bool gzip)
    {
        var images = Fixtures.Images(2);
        var labels = Fixtures.Labels(3, 8);
        File.WriteAllBytes(TempFile("t10k-images-idx3-ubyte" + (gzip ? ".gz" : "")), gzip ? Fixtures.Gzip(images) : images);
        File.WriteAllBytes(TempFile("t10k-labels-idx1-ubyte"), labels);
        return (images, labels);
    }

    [Fact]
    public void A_loaded_set_carries_the_sha256_of_both_decompressed_files()
    {
        var (images, labels) = WriteTestPart(gzip: true);

        var set = FashionMnist.Load(TempDir, DatasetPart.Test);

        Assert.Equal(Sha256(images), set.ImagesSha256);
        Assert.Equal(Sha256(labels), set.LabelsSha256);
        Assert.Same(Datasets.FashionMnist, set.Dataset);
        Assert.Equal(DatasetPart.Test, set.Part);
    }

    [Fact]
    public void Files_that_differ_from_the_published_ones_give_one_note_each_with_the_first_four_hex_digits()
    {
        var (images, labels) = WriteTestPart(gzip: true);

        var notes = DatasetVerifier.Notes(FashionMnist.Load(TempDir, DatasetPart.Test));

        Assert.Equal(
        [
            $"note: t10k-images-idx3-ubyte differs from the published Fashion-MNIST file (sha256 {Sha256(images)[..4]}…); results are not comparable with published ones",
            $"note: t10k-labels-idx1-ubyte differs from the published Fashion-MNIST file (sha256 {Sha256(labels)[..4]}…); results are not comparable with published ones",
        ], notes);
    }

    [Fact]
    public void Files_equal_to_the_published_ones_give_no_note_and_a_matching_provenance()
    {
        var (images, labels) = WriteTestPart(gzip: true);
        var published = Datasets.Mnist with
        {
            PublishedSha256 = new Dictionary<string, string>
            {
                ["t10k-images-idx3-ubyte"] = Sha256(images).ToUpperInvariant(),
                ["t10k-labels-idx1-ubyte"] = Sha256(labels),
            },
        };

        var set = DatasetLoader.Load(TempDir, published, DatasetPart.Test);

        Assert.Empty(DatasetVerifier.Notes(set));
        Assert.Equal(
        [
            new DataProvenance("mnist", "t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz", TempFile("t10k-images-idx3-ubyte.gz"), Sha256(images), true),
            new DataProvenance("mnist", "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte", TempFile("t10k-labels-idx1-ubyte"), Sha256(labels), true),
        ], DatasetVerifier.Provenance(set));
    }

    [Fact]
    public void A_file_without_a_published_hash_has_no_note_and_an_unknown_match()
    {
        WriteTestPart(gzip: false);
        var unpublished = Datasets.Mnist with { PublishedSha256 = new Dictionary<string, string>() };

        var set = DatasetLoader.Load(TempDir, unpublished, DatasetPart.Test);

        Assert.Empty(DatasetVerifier.Notes(set));
        Assert.All(DatasetVerifier.Provenance(set), p => Assert.Null(p.MatchesPublished));
    }

    [Fact]
    public void Provenance_round_trips_through_json_with_plain_property_names()
    {
        var p = new DataProvenance("fashion-mnist", "train-images-idx3-ubyte", "train-images.idx3-ubyte", "/d/train-images.idx3-ubyte", "ab12", false);

        var json = JsonSerializer.Serialize(p);

        Assert.Equal(
            """{"Dataset":"fashion-mnist","StandardName":"train-images-idx3-ubyte","FileName":"train-images.idx3-ubyte","FullPath":"/d/train-images.idx3-ubyte","Sha256":"ab12","MatchesPublished":false}""",
            json);
        Assert.Equal(p, JsonSerializer.Deserialize<DataProvenance>(json));
    }
}
