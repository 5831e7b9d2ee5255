using LeNetFashion.Data;
using Xunit;

namespace LeNetFashion.Tests.Data;

public sealed class FashionMnistTests : TestBase
{
    private void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(TempDir, name), bytes);

    [Fact]
    public void Loads_images_and_labels_gzip_or_raw_with_limit()
    {
        Fixtures.SeparableDataset(TempDir, trainCount: 10, testCount: 4, gzip: false);
        var all = FashionMnist.Load(TempDir, DatasetPart.Train);
        var some = FashionMnist.Load(TempDir, DatasetPart.Train, limit: 3);

        Assert.Equal(10, all.Count);
        Assert.Equal(10 * 28 * 28, all.Pixels.Length);
        Assert.Equal(new byte[] { 0, 1, 0 }, some.Labels);
        Assert.Equal(all.Pixels.AsSpan(0, 3 * 784).ToArray(), some.Pixels);
        Assert.Equal(4, FashionMnist.Load(TempDir, DatasetPart.Test).Count);
    }

    [Fact]
    public void Disagreeing_counts_name_both_files_and_counts()
    {
        Write("train-images-idx3-ubyte", Fixtures.Images(3));
        Write("train-labels-idx1-ubyte", Fixtures.Labels(1, 2));
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(TempDir, DatasetPart.Train));
        Assert.Equal(
            $"image and label counts disagree: 3 images in {Path.Combine(TempDir, "train-images-idx3-ubyte")}, 2 labels in {Path.Combine(TempDir, "train-labels-idx1-ubyte")}",
            e.Message);
    }

    [Fact]
    public void A_label_outside_0_to_9_is_refused_with_its_index()
    {
        Write("train-images-idx3-ubyte", Fixtures.Images(3));
        Write("train-labels-idx1-ubyte", Fixtures.Labels(1, 10, 2));
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(TempDir, DatasetPart.Train));
        Assert.Equal($"{Path.Combine(TempDir, "train-labels-idx1-ubyte")}: label 10 at index 1 is outside 0–9", e.Message);
    }

    [Fact]
    public void Images_that_are_not_28_by_28_are_refused()
    {
        Write("t10k-images-idx3-ubyte", Fixtures.Images(2, 32, 32));
        Write("t10k-labels-idx1-ubyte", Fixtures.Labels(1, 2));
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(TempDir, DatasetPart.Test));
        Assert.EndsWith("images are 32 × 32, the model needs 28 × 28", e.Message);
    }

    [Fact]
    public void The_class_names_are_fashion_mnists()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
    }

    [Fact]
    public void A_missing_data_folder_lists_the_places_searched_and_the_fix()
    {
        var missing = Path.Combine(TempDir, "nowhere");
        var e = Assert.Throws<DataFormatException>(() => DataLocator.Resolve(missing));
        Assert.Equal(
            $"--data-dir {missing}: folder not found; expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (or train-images.idx3-ubyte[.gz] and train-labels.idx1-ubyte[.gz]) (get them with: bash scripts/get-data.sh)",
            e.Message);
    }

    [Fact]
    public void A_folder_missing_one_file_names_it()
    {
        Write("train-images-idx3-ubyte.gz", Fixtures.Gzip(Fixtures.Images(1)));
        var e = Assert.Throws<DataFormatException>(() => DataLocator.Resolve(TempDir));
        Assert.Contains("missing train-labels-idx1-ubyte[.gz]", e.Message);
    }
}
