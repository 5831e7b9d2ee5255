namespace LeNetFashion.Data;

/// <summary>
/// The data sets the tool can train on (<c>--dataset fashion-mnist|mnist</c>). Both are four IDX files of 28 × 28
/// grayscale images and labels 0–9 with the same standard file names.
/// </summary>
public static class Datasets
{
    private static readonly string[] s_standardFileNames =
    [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ];

    // The dictionaries come before the DatasetInfo properties: static initialisers run in text order.
    /// <summary>SHA-256 of each official MNIST file after decompression (source: see <see cref="Mnist"/>).</summary>
    public static IReadOnlyDictionary<string, string> MnistDecompressedSha256 { get; } = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ["train-labels-idx1-ubyte"] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ["t10k-images-idx3-ubyte"] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ["t10k-labels-idx1-ubyte"] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    };

    /// <summary>
    /// SHA-256 of the official MNIST <c>.gz</c> archives (9,912,422, 28,881, 1,648,877 and 4,542 bytes) as
    /// TensorFlow's and PyTorch's mirrors serve them, by standard base name; <c>scripts/get-data.sh</c> checks
    /// downloads against them. Not comparable with <see cref="ImageDataset.ImagesSha256"/>, which hashes content.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MnistArchiveSha256 { get; } = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        ["train-labels-idx1-ubyte"] = "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        ["t10k-images-idx3-ubyte"] = "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        ["t10k-labels-idx1-ubyte"] = "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    };

    /// <summary>
    /// Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; https://github.com/zalandoresearch/fashion-mnist): Zalando's
    /// article images. Class names, hashes and folders: see <see cref="FashionMnist"/> and <see cref="DataLocator"/>.
    /// </summary>
    public static DatasetInfo FashionMnist { get; } = new(
        Name: "fashion-mnist",
        DisplayName: "Fashion-MNIST",
        ClassNames: Data.FashionMnist.ClassNames,
        AllFileNames: s_standardFileNames,
        PublishedSha256: Data.FashionMnist.DecompressedSha256,
        LocalDirectory: Path.Combine("data", "fashion-mnist"),
        SystemDirectory: "/usr/share/datasets/fashion-mnist",
        EnvironmentVariable: "LENET_FASHION_DATA",
        GetDataCommand: "bash scripts/get-data.sh");

    /// <summary>
    /// MNIST handwritten digits (LeCun, Cortes and Burges; http://yann.lecun.com/exdb/mnist/), classes "0" to "9".
    /// No Debian/Ubuntu package ships it, so there is no system folder; <c>bash scripts/get-data.sh --dataset mnist</c>
    /// fetches it into <c>data/mnist/</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="MnistDecompressedSha256"/> are the SHA-256 of the four official files after decompression. They
    /// could not be computed here (the official mirrors are unreachable from this project's machines); they are the
    /// values that several independent public projects pin for the decompressed files (for example training scripts
    /// that download <c>https://storage.googleapis.com/cvdf-datasets/mnist/*.gz</c>, check the archive SHA-256 in
    /// <see cref="MnistArchiveSha256"/>, decompress and check these), and they agree with one another.
    /// </para>
    /// <para>
    /// The archives' MD5s that torchvision lists (<c>f68b3c2d…</c>, <c>d53e105e…</c>, <c>9fb629c4…</c>,
    /// <c>ec29112d…</c>) are of the <c>.gz</c> bytes, not of the content, so they are not used here.
    /// </para>
    /// </remarks>
    public static DatasetInfo Mnist { get; } = new(
        Name: "mnist",
        DisplayName: "MNIST",
        ClassNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        AllFileNames: s_standardFileNames,
        PublishedSha256: MnistDecompressedSha256,
        LocalDirectory: Path.Combine("data", "mnist"),
        SystemDirectory: null,
        EnvironmentVariable: "LENET_MNIST_DATA",
        GetDataCommand: "bash scripts/get-data.sh --dataset mnist");

    /// <summary>Every known data set, Fashion-MNIST (the default) first.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [FashionMnist, Mnist];

    /// <summary>The names accepted by <see cref="Get"/>: <c>fashion-mnist</c>, <c>mnist</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(d => d.Name)];

    /// <summary>The data set with this <see cref="DatasetInfo.Name"/> (case-insensitive).</summary>
    /// <param name="name">For example <c>mnist</c>.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="UsageException">No data set has that name; the message lists the names.</exception>
    public static DatasetInfo Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"unknown data set '{name}'; expected {string.Join(" or ", Names)}");
    }
}
