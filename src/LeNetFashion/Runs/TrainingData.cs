using LeNetFashion.Data;
using LeNetFashion.Models;

namespace LeNetFashion.Runs;

/// <summary>
/// The data of a training run, loaded and checked before anything else happens: the training and test parts of an
/// IDX data set (Fashion-MNIST, MNIST) or of a folder of pictures (<see cref="FolderDataset"/>), and the
/// <see cref="ModelSpec"/> they imply (input shape from the images, classes from the data set).
/// </summary>
/// <param name="Dataset">The data set: a registered one, or a folder data set with its own class names.</param>
/// <param name="DataDir">The data folder (full path).</param>
/// <param name="TestDir">The test folder of a folder data set given with <c>--test-dir</c> (full path), or null.</param>
/// <param name="Train">Training images in file order (the batch split takes training and validation batches from them).</param>
/// <param name="Test">Test images.</param>
public sealed record TrainingData(DatasetInfo Dataset, string DataDir, string? TestDir, ImageDataset Train, ImageDataset Test)
{
    /// <summary>Rows and columns of a prepared picture of a folder data set: Fashion-MNIST's 28 × 28.</summary>
    public const int PictureSide = 28;

    /// <summary>
    /// The same data without the training pixels (an empty <see cref="ImageDataset.Pixels"/>; labels, shape, paths and
    /// SHA-256s kept), for a run whose session holds them as a tensor: the managed copy would otherwise stay resident for
    /// the whole run (47 MB for Fashion-MNIST). Only counts, shapes and provenance may be read from the result's
    /// <see cref="Train"/>.
    /// </summary>
    /// <returns>A copy of this record with the training pixels dropped.</returns>
    public TrainingData WithoutTrainingPixels() => this with { Train = Train with { Pixels = [] } };

    /// <summary>The network's shapes: <c>[1, H, W]</c> of the training images and the data set's classes.</summary>
    public ModelSpec Spec => new(1, Train.Height, Train.Width, Dataset.ClassNames);

    /// <summary>
    /// Finds a run's data without reading it: a folder data set when <paramref name="dataDir"/> holds class sub-folders of
    /// pictures (or <paramref name="datasetName"/> is <c>folder</c>), else the registered data set's folder (see <see cref="DataLocator"/>).
    /// </summary>
    /// <param name="datasetName">The configuration's data set name.</param>
    /// <param name="dataDir"><c>--data-dir</c>, or null for the data set's default folders.</param>
    /// <param name="testDir"><c>--test-dir</c>, or null.</param>
    /// <returns>The data set, with a folder data set's class names, and its folder (full path).</returns>
    /// <exception cref="DataFormatException">No folder holds the data, or a folder data set without test pictures or classes.</exception>
    /// <exception cref="UsageException">Unknown data set name, or <c>--test-dir</c> with an IDX data set.</exception>
    public static (DatasetInfo Dataset, string DataDir) Resolve(string datasetName, string? dataDir, string? testDir)
    {
        if (datasetName == FolderDataset.Name || IsPictureFolder(dataDir))
        {
            if (string.IsNullOrWhiteSpace(dataDir) || !FolderDataset.Is(dataDir))
            {
                throw new DataFormatException(
                    $"--data-dir {dataDir ?? "(not given)"}: expected a folder with one sub-folder of pictures per class ({string.Join(", ", FolderDataset.Extensions)}), or train/ and test/ folders laid out so", dataDir);
            }

            var root = Path.GetFullPath(dataDir);
            var classes = FolderDataset.ClassNames(FolderDataset.PartDirectory(root, DatasetPart.Train, testDir));
            FolderDataset.PartDirectory(root, DatasetPart.Test, testDir);
            return (FolderDataset.Describe(root, classes), root);
        }

        if (testDir is not null)
        {
            throw new UsageException($"--test-dir {testDir}: only a folder data set (pictures in one sub-folder per class) takes a separate test folder; the {datasetName} test files are read from the data folder");
        }

        var dataset = Datasets.Get(datasetName);
        var resolved = DataLocator.Resolve(dataDir, dataset, DatasetPart.Train);
        DataLocator.Resolve(resolved, dataset, DatasetPart.Test);
        return (dataset, resolved);
    }

    /// <summary>Loads and checks both parts.</summary>
    /// <param name="dataset">From <see cref="Resolve"/>.</param>
    /// <param name="dataDir">From <see cref="Resolve"/>.</param>
    /// <param name="testDir"><c>--test-dir</c>, or null.</param>
    /// <param name="limit">Keep only the first N training images, or null for all.</param>
    /// <returns>Both parts.</returns>
    /// <exception cref="DataFormatException">Missing or damaged files or pictures; one line naming the file.</exception>
    public static TrainingData Load(DatasetInfo dataset, string dataDir, string? testDir, int? limit)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new TrainingData(
            dataset,
            dataDir,
            testDir is null ? null : Path.GetFullPath(testDir),
            LoadPart(dataset, dataDir, testDir, DatasetPart.Train, limit),
            LoadPart(dataset, dataDir, testDir, DatasetPart.Test, null));
    }

    /// <summary>Loads one part of a data set: IDX files, or a folder data set's pictures prepared to 28 × 28.</summary>
    /// <exception cref="DataFormatException">Missing or damaged files or pictures.</exception>
    public static ImageDataset LoadPart(DatasetInfo dataset, string dataDir, string? testDir, DatasetPart part, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.Name == FolderDataset.Name
            ? FolderDataset.Load(dataset, FolderDataset.PartDirectory(dataDir, part, testDir), part, PictureSide, PictureSide, limit)
            : DatasetLoader.Load(dataDir, dataset, part, limit);
    }

    /// <summary>A folder of class sub-folders of pictures that holds no IDX training files.</summary>
    private static bool IsPictureFolder(string? dir) =>
        FolderDataset.Is(dir) && IdxFileNames.Find(dir!, Datasets.FashionMnist.FileNames(DatasetPart.Train).Images) is null;
}
