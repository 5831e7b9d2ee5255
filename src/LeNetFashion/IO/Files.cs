namespace LeNetFashion.IO;

/// <summary>File facts that follow symbolic links.</summary>
public static class Files
{
    /// <summary>
    /// The length in bytes of the file <paramref name="path"/> finally points to (symbolic links followed; .NET's
    /// <see cref="FileInfo.Length"/> of a link is the link's own). A device or pipe states 0, so 0 means empty or not a
    /// regular file: nothing to read, or something that must not be opened (a pipe blocks, /dev/zero never ends).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The length, or 0 when the target cannot be resolved.</returns>
    public static long Length(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            try
            {
                info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        return info is { Exists: true } ? info.Length : 0;
    }
}
