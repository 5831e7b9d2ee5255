using System.Globalization;

namespace LeNetFashion.Data;

/// <summary>
/// Compares a loaded data set's SHA-256 (computed while reading, <see cref="ImageDataset.ImagesSha256"/>) with the
/// published files' (<see cref="DatasetInfo.PublishedSha256"/>). Returns text and records; prints nothing.
/// </summary>
public static class DatasetVerifier
{
    /// <summary>Hex digits of the hash shown in a note (then "…").</summary>
    public const int ShortHashLength = 4;

    /// <summary>The provenance of the images file and the labels file of <paramref name="set"/>, in that order.</summary>
    /// <param name="set">A data set from <see cref="DatasetLoader.Load"/>.</param>
    /// <returns>Two records: images, then labels.</returns>
    public static IReadOnlyList<DataProvenance> Provenance(ImageDataset set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var (images, labels) = set.Dataset.FileNames(set.Part);
        return
        [
            Record(set.Dataset, images, set.ImagesPath, set.ImagesSha256),
            Record(set.Dataset, labels, set.LabelsPath, set.LabelsSha256),
        ];
    }

    /// <summary>
    /// One note per file of <paramref name="set"/> whose content differs from the published file, e.g.
    /// <c>note: t10k-images-idx3-ubyte differs from the published Fashion-MNIST file (sha256 3f2a…); results are not
    /// comparable with published ones</c>. Empty when both match or no published value is known.
    /// </summary>
    /// <param name="set">A data set from <see cref="DatasetLoader.Load"/>.</param>
    /// <returns>Zero, one or two lines, without a line break; the caller shows them as information.</returns>
    public static IReadOnlyList<string> Notes(ImageDataset set) =>
        [.. Provenance(set).Where(p => p.MatchesPublished == false).Select(p => Note(set.Dataset, p))];

    /// <summary>Whether <paramref name="sha256"/> is the published SHA-256 of <paramref name="standardName"/>.</summary>
    /// <param name="dataset">The data set.</param>
    /// <param name="standardName">A standard base name, e.g. <c>t10k-labels-idx1-ubyte</c>.</param>
    /// <param name="sha256">Hex digits, either case.</param>
    /// <returns><c>true</c> or <c>false</c>; <c>null</c> when no published value is known.</returns>
    public static bool? MatchesPublished(DatasetInfo dataset, string standardName, string sha256)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.PublishedSha256.TryGetValue(standardName, out var published)
            ? string.Equals(published, sha256, StringComparison.OrdinalIgnoreCase)
            : null;
    }

    private static DataProvenance Record(DatasetInfo dataset, string standardName, string path, string sha256) =>
        new(dataset.Name, standardName, Path.GetFileName(path), Path.GetFullPath(path), sha256,
            sha256.Length == 0 ? null : MatchesPublished(dataset, standardName, sha256));

    private static string Note(DatasetInfo dataset, DataProvenance p)
    {
        var shortHash = p.Sha256.Length > ShortHashLength ? p.Sha256[..ShortHashLength] : p.Sha256;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"note: {p.StandardName} differs from the published {dataset.DisplayName} file (sha256 {shortHash}…); results are not comparable with published ones");
    }
}
