namespace LeNetFashion.Data;

/// <summary>
/// The file names under which a standard IDX file is accepted. For a standard base name such as
/// <c>train-images-idx3-ubyte</c>: the standard family <c>train-images-idx3-ubyte.gz</c> and
/// <c>train-images-idx3-ubyte</c>, and the dotted family <c>train-images.idx3-ubyte.gz</c> and
/// <c>train-images.idx3-ubyte</c> (a dot before <c>idx</c>, as 7-Zip and Windows extractions of the archives name
/// them). Whether a file is compressed is decided by its content, never by <c>.gz</c>.
/// </summary>
public static class IdxFileNames
{
    /// <summary>The dotted variant of a standard base name: <c>t10k-labels-idx1-ubyte</c> → <c>t10k-labels.idx1-ubyte</c>.</summary>
    /// <param name="standardName">A standard base name containing <c>-idx</c>.</param>
    /// <returns>The name with its last <c>-idx</c> replaced by <c>.idx</c>; the name itself when it has no <c>-idx</c>.</returns>
    public static string Dotted(string standardName)
    {
        ArgumentNullException.ThrowIfNull(standardName);
        var i = standardName.LastIndexOf("-idx", StringComparison.Ordinal);
        return i < 0 ? standardName : string.Concat(standardName.AsSpan(0, i), ".", standardName.AsSpan(i + 1));
    }

    /// <summary>
    /// Every accepted file name for <paramref name="standardName"/>, in order of preference:
    /// <c>name.gz</c>, <c>name</c>, <c>dotted.gz</c>, <c>dotted</c>.
    /// </summary>
    /// <param name="standardName">A standard base name such as <c>train-images-idx3-ubyte</c>.</param>
    /// <returns>Four file names (two when the name has no <c>-idx</c>).</returns>
    public static IReadOnlyList<string> Candidates(string standardName)
    {
        var dotted = Dotted(standardName);
        return dotted == standardName
            ? [standardName + ".gz", standardName]
            : [standardName + ".gz", standardName, dotted + ".gz", dotted];
    }

    /// <summary>The accepted names in messages: <c>train-images-idx3-ubyte[.gz]</c>.</summary>
    /// <param name="standardName">A standard base name.</param>
    /// <returns>The name followed by <c>[.gz]</c>.</returns>
    public static string Describe(string standardName) => standardName + "[.gz]";

    /// <summary>
    /// Finds the file for <paramref name="standardName"/> in <paramref name="directory"/>. Within a family the
    /// <c>.gz</c> name wins when both exist (as before; Debian's package may ship either); a file from the standard
    /// family and one from the dotted family are a conflict, because nothing says which one is meant.
    /// </summary>
    /// <param name="directory">Folder to search.</param>
    /// <param name="standardName">A standard base name such as <c>train-images-idx3-ubyte</c>.</param>
    /// <returns>The path of the file (directory joined with the name found), or <c>null</c> when no candidate exists.</returns>
    /// <exception cref="DataFormatException">Files of both families exist; the message names both and what to do.</exception>
    public static string? Find(string directory, string standardName)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(standardName);
        var standard = First(directory, standardName);
        var dottedName = Dotted(standardName);
        var dotted = dottedName == standardName ? null : First(directory, dottedName);
        if (standard is not null && dotted is not null)
        {
            throw new DataFormatException(
                $"{standard} and {dotted} are both candidates for {standardName}; keep only one of them (delete or move the other) so that the data used is unambiguous",
                directory);
        }

        return standard ?? dotted;
    }

    private static string? First(string directory, string baseName)
    {
        foreach (var candidate in new[] { baseName + ".gz", baseName })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
