using LeNetFashion.Data;
using Xunit;

namespace LeNetFashion.Tests.Data;

public sealed class IdxFileNamesTests : TestBase
{
    private void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(TempDir, name), bytes);

    [Theory]
    [InlineData("train-images-idx3-ubyte", "train-images.idx3-ubyte")]
    [InlineData("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte")]
    [InlineData("no-index-here", "no-index-here")]
    public void The_dotted_variant_has_a_dot_instead_of_the_dash_before_idx(string standard, string dotted)
    {
        Assert.Equal(dotted, IdxFileNames.Dotted(standard));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dotted_names_as_7zip_extracts_them_load_with_or_without_gz(bool gzip)
    {
        Write("t10k-images.idx3-ubyte" + (gzip ? ".gz" : ""), gzip ? Fixtures.Gzip(Fixtures.Images(3)) : Fixtures.Images(3));
        Write("t10k-labels.idx1-ubyte" + (gzip ? ".gz" : ""), gzip ? Fixtures.Gzip(Fixtures.Labels(7, 1, 0)) : Fixtures.Labels(7, 1, 0));

        var set = FashionMnist.Load(TempDir, DatasetPart.Test);

        Assert.Equal(new byte[] { 7, 1, 0 }, set.Labels);
        Assert.Equal(Path.Combine(TempDir, "t10k-images.idx3-ubyte" + (gzip ? ".gz" : "")), set.ImagesPath);
        Assert.Equal(Path.GetFullPath(TempDir), DataLocator.Resolve(TempDir, DatasetPart.Test));
    }

    [Fact]
    public void A_standard_and_a_dotted_name_for_the_same_file_are_a_conflict_that_names_both()
    {
        Fixtures.SeparableDataset(TempDir, trainCount: 4, testCount: 2);
        Write("train-images.idx3-ubyte", Fixtures.Images(4));

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(TempDir, DatasetPart.Train));

        Assert.Equal(
            $"{Path.Combine(TempDir, "train-images-idx3-ubyte.gz")} and {Path.Combine(TempDir, "train-images.idx3-ubyte")} are both candidates for train-images-idx3-ubyte; keep only one of them (delete or move the other) so that the data used is unambiguous",
            e.Message);
        Assert.Equal(e.Message, Assert.Throws<DataFormatException>(() => DataLocator.Resolve(TempDir)).Message);
    }

    [Fact]
    public void The_standard_name_with_and_without_gz_is_no_conflict_and_the_gz_file_is_read()
    {
        // Debian's dataset-fashion-mnist may ship .gz files beside raw ones; that keeps working as before.
        Fixtures.SeparableDataset(TempDir, trainCount: 4, testCount: 2, gzip: true);
        Write("train-labels-idx1-ubyte", Fixtures.Labels(1, 1, 1, 1, 1));

        var set = FashionMnist.Load(TempDir, DatasetPart.Train);

        Assert.Equal(Path.Combine(TempDir, "train-labels-idx1-ubyte.gz"), set.LabelsPath);
        Assert.Equal(new byte[] { 0, 1, 0, 1 }, set.Labels);
    }

    [Fact]
    public void A_missing_file_names_the_standard_and_the_dotted_names_it_looked_for()
    {
        Write("train-images-idx3-ubyte", Fixtures.Images(1));

        var load = Assert.Throws<DataFormatException>(() => FashionMnist.Load(TempDir, DatasetPart.Train));
        var resolve = Assert.Throws<DataFormatException>(() => DataLocator.Resolve(TempDir));

        Assert.Equal($"{Path.Combine(TempDir, "train-labels-idx1-ubyte")}[.gz]: file not found (nor train-labels.idx1-ubyte[.gz])", load.Message);
        Assert.Equal(
            $"--data-dir {TempDir}: missing train-labels-idx1-ubyte[.gz]; expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (or train-images.idx3-ubyte[.gz] and train-labels.idx1-ubyte[.gz]) (get them with: bash scripts/get-data.sh)",
            resolve.Message);
    }
}
