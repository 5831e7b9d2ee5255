namespace LeNetFashion.Data;

/// <summary>
/// Grayscale images and their class labels, in file order, kept as bytes (a quarter of the memory of
/// float32; converted to tensors once with <see cref="TensorData.FromDataset"/>).
/// </summary>
/// <param name="Pixels">Pixels <c>[N, Height, Width]</c> row-major, 0–255.</param>
/// <param name="Labels">Class labels <c>[N]</c>, 0–9.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="ImagesPath">Source file of the images (for messages and reports).</param>
/// <param name="LabelsPath">Source file of the labels.</param>
public sealed record ImageDataset(byte[] Pixels, byte[] Labels, int Height, int Width, string ImagesPath, string LabelsPath)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;
}
