namespace LeNetFashion.Data;

/// <summary>
/// Finds the Fashion-MNIST folder. First found wins: the <c>--data-dir</c> option, the
/// <see cref="EnvironmentVariable"/> variable, <c>data/fashion-mnist/</c> under the current folder, then
/// <see cref="SystemDirectory"/> (Debian/Ubuntu package <c>dataset-fashion-mnist</c>).
/// </summary>
public static class DataLocator
{
    /// <summary>Environment variable naming the data folder.</summary>
    public const string EnvironmentVariable = "LENET_FASHION_DATA";

    /// <summary>Folder where Debian's and Ubuntu's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Folder under the current directory searched after the option and the variable.</summary>
    public static readonly string LocalDirectory = Path.Combine("data", "fashion-mnist");

    /// <summary>Command that provisions the data, shown in errors.</summary>
    public const string GetDataCommand = "bash scripts/get-data.sh";

    /// <summary>
    /// Resolves the data folder. An explicit <paramref name="dataDir"/> (or the environment variable) must
    /// hold the files; otherwise the defaults are tried in order.
    /// </summary>
    /// <param name="dataDir">Value of <c>--data-dir</c>, or <c>null</c>.</param>
    /// <param name="part">Which part's files must be present.</param>
    /// <returns>The absolute folder path.</returns>
    /// <exception cref="DataFormatException">No folder holds the files; the message lists every place searched
    /// and the command that gets the data.</exception>
    public static string Resolve(string? dataDir, DatasetPart part = DatasetPart.Train)
    {
        var searched = new List<string>();
        var (images, labels) = FashionMnist.FileNames(part);

        bool Has(string dir) =>
            Directory.Exists(dir) && FashionMnist.FindFile(dir, images) is not null && FashionMnist.FindFile(dir, labels) is not null;

        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            if (Has(dataDir))
            {
                return Path.GetFullPath(dataDir);
            }

            throw new DataFormatException(
                $"--data-dir {dataDir}: {Missing(dataDir, images, labels)}; expected {images}[.gz] and {labels}[.gz] (get them with: {GetDataCommand})", dataDir);
        }

        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (Has(env))
            {
                return Path.GetFullPath(env);
            }

            throw new DataFormatException(
                $"{EnvironmentVariable}={env}: {Missing(env, images, labels)}; expected {images}[.gz] and {labels}[.gz] (get them with: {GetDataCommand})", env);
        }

        foreach (var dir in new[] { LocalDirectory, SystemDirectory })
        {
            if (Has(dir))
            {
                return Path.GetFullPath(dir);
            }

            searched.Add(Path.GetFullPath(dir));
        }

        throw new DataFormatException(
            $"Fashion-MNIST not found: searched --data-dir (not given), ${EnvironmentVariable} (not set), {string.Join(", ", searched)}; expected {images}[.gz] and {labels}[.gz]; get the data with: {GetDataCommand}");
    }

    private static string Missing(string dir, string images, string labels)
    {
        if (File.Exists(dir))
        {
            return "is a file; expected a folder";
        }

        if (!Directory.Exists(dir))
        {
            return "folder not found";
        }

        var missing = new[] { images, labels }.Where(n => FashionMnist.FindFile(dir, n) is null);
        return "missing " + string.Join(" and ", missing.Select(n => n + "[.gz]"));
    }
}
