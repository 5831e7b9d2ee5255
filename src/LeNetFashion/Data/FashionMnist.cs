namespace LeNetFashion.Data;

/// <summary>
/// Constants of the Fashion-MNIST data set (Xiao, Rasul and Vollgraf, 2017;
/// https://github.com/zalandoresearch/fashion-mnist, README "Labels" and "Get the Data"), kept for existing callers;
/// the data set as a whole is <see cref="Datasets.FashionMnist"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Image height and width in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Class names by label 0–9, from the data set's README.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>Standard base file names (without <c>.gz</c>) of the images and labels of a part.</summary>
    public static (string Images, string Labels) FileNames(DatasetPart part) => part switch
    {
        DatasetPart.Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        _ => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    };

    /// <summary>All four standard base file names.</summary>
    public static IReadOnlyList<string> AllFileNames { get; } =
    [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ];

    /// <summary>
    /// SHA-256 of each decompressed official file. Computed from the decompressed content of the official
    /// archives; their decompressed MD5s (f4a8712d…, 9018921c…, 8181f547…, 15d48437…) match those other
    /// projects publish, and Debian's <c>dataset-fashion-mnist</c> decompresses to the same bytes although its
    /// <c>.gz</c> bytes (and so the README's archive MD5s) differ. Used by <c>scripts/get-data.sh</c> too.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DecompressedSha256 { get; } = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        ["train-labels-idx1-ubyte"] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        ["t10k-images-idx3-ubyte"] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        ["t10k-labels-idx1-ubyte"] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    };

    /// <summary>
    /// Finds the file for a base name in <paramref name="directory"/> under any accepted name (see
    /// <see cref="IdxFileNames.Find"/>): <c>name.gz</c>, <c>name</c>, or the dotted <c>….idx…</c> variants (either may be
    /// compressed or raw; content decides). Returns <c>null</c> when none exists.
    /// </summary>
    /// <exception cref="DataFormatException">The file exists under both a standard and a dotted name.</exception>
    public static string? FindFile(string directory, string baseName) => IdxFileNames.Find(directory, baseName);

    /// <summary>Loads and validates one part of Fashion-MNIST; see <see cref="DatasetLoader.Load"/>.</summary>
    /// <param name="directory">Folder holding the standard files.</param>
    /// <param name="part">Train or test.</param>
    /// <param name="limit">When set, keep only the first <paramref name="limit"/> images (in file order).</param>
    /// <returns>Images <c>[N, 28, 28]</c> as bytes 0–255, labels 0–9, and the files' SHA-256.</returns>
    /// <exception cref="DataFormatException">A file is missing or damaged, images are not 28 × 28, counts
    /// disagree, or a label is outside 0–9.</exception>
    public static ImageDataset Load(string directory, DatasetPart part, int? limit = null) =>
        DatasetLoader.Load(directory, Datasets.FashionMnist, part, limit);
}
