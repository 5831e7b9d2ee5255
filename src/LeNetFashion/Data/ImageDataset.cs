namespace LeNetFashion.Data;

/// <summary>
/// Grayscale images and their class labels, in file order, kept as bytes (a quarter of the memory of
/// float32; converted to tensors once with <see cref="TensorData.FromDataset"/>).
/// </summary>
/// <param name="Pixels">Pixels <c>[N, Height, Width]</c> row-major, 0–255.</param>
/// <param name="Labels">Class labels <c>[N]</c>, 0–9.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="ImagesPath">Source file of the images, the name actually found (for messages and reports).</param>
/// <param name="LabelsPath">Source file of the labels.</param>
public sealed record ImageDataset(byte[] Pixels, byte[] Labels, int Height, int Width, string ImagesPath, string LabelsPath)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The data set the files belong to (Fashion-MNIST unless the loader was given another).</summary>
    public DatasetInfo Dataset { get; init; } = Datasets.FashionMnist;

    /// <summary>Which part of <see cref="Dataset"/> this is (decides the standard file names).</summary>
    public DatasetPart Part { get; init; } = DatasetPart.Train;

    /// <summary>
    /// SHA-256 of the whole decompressed images file (64 lowercase hex digits, as <c>gzip -dc f | sha256sum</c>),
    /// computed while reading; of the whole file even when a limit kept fewer images. Empty when not read from a file.
    /// </summary>
    public string ImagesSha256 { get; init; } = "";

    /// <summary>SHA-256 of the whole decompressed labels file, like <see cref="ImagesSha256"/>.</summary>
    public string LabelsSha256 { get; init; } = "";
}
