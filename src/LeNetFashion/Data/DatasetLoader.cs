using System.Globalization;

namespace LeNetFashion.Data;

/// <summary>Loads and validates one part of a data set (<see cref="DatasetInfo"/>) from its folder.</summary>
public static class DatasetLoader
{
    /// <summary>Loads and validates one part of <paramref name="dataset"/> from <paramref name="directory"/>.</summary>
    /// <param name="directory">Folder holding the files under any accepted name (see <see cref="IdxFileNames"/>).</param>
    /// <param name="dataset">The data set, e.g. <see cref="Datasets.Mnist"/>.</param>
    /// <param name="part">Train or test.</param>
    /// <param name="limit">When set, keep only the first <paramref name="limit"/> images (in file order).</param>
    /// <returns>
    /// Images <c>[N, 28, 28]</c> as bytes 0–255, labels 0 to classes − 1, the paths actually used and the SHA-256 of
    /// both decompressed files (see <see cref="DatasetVerifier"/> to compare them with the published ones).
    /// </returns>
    /// <exception cref="DataFormatException">A file is missing, present under two conflicting names or damaged,
    /// images are not 28 × 28, counts disagree, or a label is outside the classes.</exception>
    public static ImageDataset Load(string directory, DatasetInfo dataset, DatasetPart part, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(dataset);
        var (imagesName, labelsName) = dataset.FileNames(part);
        var size = dataset.ImageSize;
        var imagesPath = IdxFileNames.Find(directory, imagesName)
            ?? throw new DataFormatException(NotFound(directory, imagesName), directory);
        var labelsPath = IdxFileNames.Find(directory, labelsName)
            ?? throw new DataFormatException(NotFound(directory, labelsName), directory);

        var images = IdxReader.Read(imagesPath, 3);
        if (images.Shape[1] != size || images.Shape[2] != size)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{imagesPath}: images are {images.Shape[1]} × {images.Shape[2]}, the model needs {size} × {size}"), imagesPath);
        }

        if (images.Count == 0)
        {
            throw new DataFormatException($"{imagesPath}: 0 images; expected at least one (an empty {(part == DatasetPart.Test ? "test set would score 0 of 0" : "training set cannot train")})", imagesPath);
        }

        var labels = IdxReader.Read(labelsPath, 1);
        if (images.Count != labels.Count)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"image and label counts disagree: {images.Count:N0} images in {imagesPath}, {labels.Count:N0} labels in {labelsPath}"), imagesPath);
        }

        for (var i = 0; i < labels.Data.Length; i++)
        {
            if (labels.Data[i] >= dataset.ClassCount)
            {
                throw new DataFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"{labelsPath}: label {labels.Data[i]} at index {i} is outside 0–{dataset.ClassCount - 1}"), labelsPath);
            }
        }

        var count = limit is { } l ? Math.Min(l, images.Count) : images.Count;
        var pixels = count == images.Count ? images.Data : images.Data.AsSpan(0, count * size * size).ToArray();
        var labelBytes = count == labels.Count ? labels.Data : labels.Data.AsSpan(0, count).ToArray();
        return new ImageDataset(pixels, labelBytes, size, size, imagesPath, labelsPath)
        {
            Dataset = dataset,
            Part = part,
            ImagesSha256 = images.Sha256,
            LabelsSha256 = labels.Sha256,
        };
    }

    private static string NotFound(string directory, string name) =>
        $"{Path.Combine(directory, name)}[.gz]: file not found (nor {IdxFileNames.Dotted(name)}[.gz])";
}
