namespace LeNetFashion.Data;

/// <summary>
/// Finds a data set's folder. First found wins: the <c>--data-dir</c> option, the data set's environment variable
/// (<see cref="DatasetInfo.EnvironmentVariable"/>), <c>data/&lt;name&gt;/</c> under the current folder, then
/// the data set's system folder when it has one (<see cref="DatasetInfo.SystemDirectory"/>: Debian/Ubuntu package
/// <c>dataset-fashion-mnist</c>). A folder counts when it holds the part's two files under any accepted name (see
/// <see cref="IdxFileNames"/>).
/// </summary>
public static class DataLocator
{
    /// <summary>Resolves the Fashion-MNIST folder; see <see cref="Resolve(string?, DatasetInfo, DatasetPart)"/>.</summary>
    /// <param name="dataDir">Value of <c>--data-dir</c>, or <c>null</c>.</param>
    /// <param name="part">Which part's files must be present.</param>
    /// <returns>The absolute folder path.</returns>
    /// <exception cref="DataFormatException">No folder holds the files, or a folder holds conflicting names.</exception>
    public static string Resolve(string? dataDir, DatasetPart part = DatasetPart.Train) =>
        Resolve(dataDir, Datasets.FashionMnist, part);

    /// <summary>
    /// Resolves the folder of <paramref name="dataset"/>. An explicit <paramref name="dataDir"/> (or the environment
    /// variable) must hold the files; otherwise the default folders are tried in order.
    /// </summary>
    /// <param name="dataDir">Value of <c>--data-dir</c>, or <c>null</c>.</param>
    /// <param name="dataset">The data set, e.g. <see cref="Datasets.Mnist"/>.</param>
    /// <param name="part">Which part's files must be present.</param>
    /// <returns>The absolute folder path.</returns>
    /// <exception cref="DataFormatException">No folder holds the files (the message lists every place searched, the
    /// accepted names and the command that gets the data), or a folder holds one file under both a standard and a
    /// dotted name (see <see cref="IdxFileNames.Find"/>).</exception>
    public static string Resolve(string? dataDir, DatasetInfo dataset, DatasetPart part = DatasetPart.Train)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var searched = new List<string>();
        var (images, labels) = dataset.FileNames(part);

        bool Has(string dir) =>
            Directory.Exists(dir) && IdxFileNames.Find(dir, images) is not null && IdxFileNames.Find(dir, labels) is not null;

        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            if (Has(dataDir))
            {
                return Path.GetFullPath(dataDir);
            }

            throw new DataFormatException(
                $"--data-dir {dataDir}: {Missing(dataDir, images, labels)}; {Expected(images, labels)} (get them with: {dataset.GetDataCommand})", dataDir);
        }

        var env = Environment.GetEnvironmentVariable(dataset.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (Has(env))
            {
                return Path.GetFullPath(env);
            }

            throw new DataFormatException(
                $"{dataset.EnvironmentVariable}={env}: {Missing(env, images, labels)}; {Expected(images, labels)} (get them with: {dataset.GetDataCommand})", env);
        }

        foreach (var dir in dataset.DefaultDirectories)
        {
            if (Has(dir))
            {
                return Path.GetFullPath(dir);
            }

            searched.Add(Path.GetFullPath(dir));
        }

        throw new DataFormatException(
            $"{dataset.DisplayName} not found: searched --data-dir (not given), ${dataset.EnvironmentVariable} (not set), {string.Join(", ", searched)}; {Expected(images, labels)}; get the data with: {dataset.GetDataCommand}");
    }

    /// <summary>
    /// "expected a[.gz] and b[.gz] (or a.idx…[.gz] and b.idx…[.gz])": the accepted names of a part's two files.
    /// </summary>
    private static string Expected(string images, string labels) =>
        $"expected {IdxFileNames.Describe(images)} and {IdxFileNames.Describe(labels)} (or {IdxFileNames.Describe(IdxFileNames.Dotted(images))} and {IdxFileNames.Describe(IdxFileNames.Dotted(labels))})";

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

        var missing = new[] { images, labels }.Where(n => IdxFileNames.Find(dir, n) is null);
        return "missing " + string.Join(" and ", missing.Select(IdxFileNames.Describe));
    }
}
