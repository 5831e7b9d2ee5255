using LeNetFashion.Data;
using Xunit;

namespace LeNetFashion.Tests.Data;

public sealed class DatasetsTests : TestBase
{
    [Fact]
    public void Mnist_has_digit_classes_the_standard_file_names_and_no_system_folder()
    {
        var mnist = Datasets.Get("mnist");

        Assert.Same(Datasets.Mnist, mnist);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], mnist.ClassNames);
        Assert.Equal(("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"), mnist.FileNames(DatasetPart.Test));
        Assert.Equal([Path.Combine("data", "mnist")], mnist.DefaultDirectories);
        Assert.Equal("LENET_MNIST_DATA", mnist.EnvironmentVariable);
        Assert.Equal("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", mnist.PublishedSha256["train-images-idx3-ubyte"]);
    }

    [Fact]
    public void Fashion_mnist_keeps_the_constants_existing_callers_use()
    {
        var fashion = Datasets.Get("Fashion-MNIST");

        Assert.Equal(["fashion-mnist", "mnist"], Datasets.Names);
        Assert.Same(FashionMnist.ClassNames, fashion.ClassNames);
        Assert.Same(FashionMnist.DecompressedSha256, fashion.PublishedSha256);
        Assert.Equal([Path.Combine("data", "fashion-mnist"), "/usr/share/datasets/fashion-mnist"], fashion.DefaultDirectories);
        Assert.Equal("LENET_FASHION_DATA", fashion.EnvironmentVariable);
        Assert.Equal(FashionMnist.FileNames(DatasetPart.Train), fashion.FileNames(DatasetPart.Train));
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_known_names()
    {
        var e = Assert.Throws<UsageException>(() => Datasets.Get("cifar10"));
        Assert.StartsWith("unknown data set 'cifar10'; expected fashion-mnist or mnist", e.Message);
    }

    [Fact]
    public void An_mnist_folder_loads_with_digit_labels_and_notes_name_mnist()
    {
        var dir = Fixtures.SeparableDataset(TempFile("mnist"), trainCount: 6, testCount: 2);

        var resolved = DataLocator.Resolve(dir, Datasets.Mnist, DatasetPart.Test);
        var set = DatasetLoader.Load(resolved, Datasets.Mnist, DatasetPart.Train);

        Assert.Equal(6, set.Count);
        Assert.Same(Datasets.Mnist, set.Dataset);
        Assert.Equal(2, DatasetVerifier.Notes(set).Count);
        Assert.Contains("differs from the published MNIST file", DatasetVerifier.Notes(set)[0]);
    }

    [Fact]
    public void A_missing_mnist_folder_points_to_the_mnist_download()
    {
        var missing = TempFile("nowhere");

        var e = Assert.Throws<DataFormatException>(() => DataLocator.Resolve(missing, Datasets.Mnist));

        Assert.EndsWith("(get them with: bash scripts/get-data.sh --dataset mnist)", e.Message);
    }
}
