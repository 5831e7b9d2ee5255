namespace LeNetFashion.Imaging;

/// <summary>
/// How <see cref="ImageInput"/> brings a picture to the model's <c>H × W</c>: the steps that made the model's data set,
/// recorded with the model (<c>preparation</c> in <c>model.json</c> and in a safetensors file's metadata).
/// </summary>
public enum Preparation
{
    /// <summary>
    /// The whole picture, longer side scaled to the model's size and centred, aspect kept (pictures that are already
    /// crops, and folder data sets, which are trained so).
    /// </summary>
    None,

    /// <summary>
    /// Fashion-MNIST's conversion (Zalando, fashion-mnist README): trim the edges whose grey is within a tolerance of the
    /// background's (taken from the border: 5 % of the range, more for a noisy border), then scale the longer side to the
    /// model's size and centre it.
    /// </summary>
    FashionMnist,

    /// <summary>
    /// MNIST's (LeCun et al.): trim to the ink, fit it into a 20 × 20 box (for 28 × 28; 5/7 of the side) with its aspect
    /// kept, and place it so that its centre of mass is at the centre of the canvas.
    /// </summary>
    Mnist,
}

/// <summary>Names of <see cref="Preparation"/> as stored and as <c>--prepare</c> takes them.</summary>
public static class Preparations
{
    /// <summary>The stored names, in <see cref="Preparation"/> order: none, fashion-mnist, mnist.</summary>
    public static IReadOnlyList<string> Names { get; } = ["none", "fashion-mnist", "mnist"];

    /// <summary>The stored name of <paramref name="preparation"/>.</summary>
    public static string Name(Preparation preparation) => Names[(int)preparation];

    /// <summary>The preparation stored as <paramref name="name"/>, or null for an unknown name.</summary>
    public static Preparation? Parse(string? name) => Names.ToList().IndexOf(name ?? "") is var i and >= 0 ? (Preparation)i : null;

    /// <summary>
    /// The preparation that made a data set's images: <c>fashion-mnist</c> and <c>mnist</c> their own, a folder data set
    /// (or anything else) <see cref="Preparation.None"/>, the way its pictures are read for training.
    /// </summary>
    /// <param name="dataset">The data set's name (<c>fashion-mnist</c>, <c>mnist</c>, <c>folder</c>), or null for Fashion-MNIST.</param>
    public static Preparation ForDataset(string? dataset) => dataset switch
    {
        null or "fashion-mnist" => Preparation.FashionMnist,
        "mnist" => Preparation.Mnist,
        _ => Preparation.None,
    };
}
