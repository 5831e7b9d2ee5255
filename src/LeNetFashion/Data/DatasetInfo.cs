namespace LeNetFashion.Data;

/// <summary>
/// What the tool knows about one data set of 28 × 28 grayscale images in four IDX files: its name on the command
/// line, its class names, its file names, the SHA-256 of its published files and where to look for it. The known
/// data sets are in <see cref="Datasets"/>.
/// </summary>
/// <param name="Name">Name on the command line and in run files, e.g. <c>fashion-mnist</c>.</param>
/// <param name="DisplayName">Name in messages, e.g. <c>Fashion-MNIST</c>.</param>
/// <param name="ClassNames">Class names by label 0 to <c>ClassNames.Count - 1</c>.</param>
/// <param name="AllFileNames">
/// The four standard base file names (without <c>.gz</c>), in the order training images, training labels, test
/// images, test labels.
/// </param>
/// <param name="PublishedSha256">
/// SHA-256 (64 lowercase hex digits) of each published file after decompression, by standard base name; the source
/// is documented where each data set is defined in <see cref="Datasets"/>.
/// </param>
/// <param name="LocalDirectory">Folder searched under the current directory, <c>data/&lt;Name&gt;</c>.</param>
/// <param name="SystemDirectory">Folder where a system package installs the files, or <c>null</c> when none does.</param>
/// <param name="EnvironmentVariable">Environment variable naming the data folder.</param>
/// <param name="GetDataCommand">Command that provisions the data, shown in errors.</param>
public sealed record DatasetInfo(
    string Name,
    string DisplayName,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> AllFileNames,
    IReadOnlyDictionary<string, string> PublishedSha256,
    string LocalDirectory,
    string? SystemDirectory,
    string EnvironmentVariable,
    string GetDataCommand)
{
    /// <summary>Image height and width in pixels (28 for both MNIST and Fashion-MNIST).</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Standard base file names (without <c>.gz</c>) of the images and labels of a part.</summary>
    /// <param name="part">Train or test.</param>
    /// <returns>For example <c>("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")</c> for the test part.</returns>
    public (string Images, string Labels) FileNames(DatasetPart part) => part switch
    {
        DatasetPart.Train => (AllFileNames[0], AllFileNames[1]),
        _ => (AllFileNames[2], AllFileNames[3]),
    };

    /// <summary>The folders searched when neither an option nor the environment variable names one, in order.</summary>
    public IReadOnlyList<string> DefaultDirectories =>
        SystemDirectory is null ? [LocalDirectory] : [LocalDirectory, SystemDirectory];
}
