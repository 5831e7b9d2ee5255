using System.Globalization;

namespace LeNetFashion.Runs;

/// <summary>
/// A folder a run writes into: it owns the path, the lock that keeps a second run out, the <c>--overwrite</c>
/// clean-up of a previous run's outputs, and the manifest of the files written (<see cref="Written"/>), from which the "Wrote …" line comes.
/// </summary>
public sealed class RunFolder : IDisposable
{
    private const string LockFile = ".lock";
    private readonly FileStream? _lock;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    private RunFolder(string path, FileStream? runLock)
    {
        Path = path;
        _lock = runLock;
    }

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    /// <summary>Files written through this object, in <see cref="RunFiles.Files"/> order (others after, by name).</summary>
    public IReadOnlyList<string> Written =>
        _written.OrderBy(Rank).ThenBy(f => f, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Creates the folder of a new training run, checks that it is writable and locks it, before any training.
    /// Default: <c>runs/yyyyMMdd-HHmmss</c>, with <c>-2</c>, <c>-3</c>… appended when it exists; never an existing
    /// folder. With <paramref name="overwrite"/>, what an earlier run (and its evals) wrote there is removed; other
    /// files are kept.
    /// </summary>
    /// <param name="output">The <c>--output</c> folder, or null for the default.</param>
    /// <param name="overwrite">Allow an existing, non-empty folder.</param>
    /// <exception cref="IOException">The folder is a file, exists and is not empty (without <paramref name="overwrite"/>),
    /// cannot be written, or another run holds it.</exception>
    public static RunFolder CreateForTraining(string? output, bool overwrite)
    {
        var dir = Prepare(output, overwrite);
        var folder = new RunFolder(dir, Lock(dir));
        if (overwrite)
        {
            folder.RemovePreviousOutputs();
        }

        return folder;
    }

    /// <summary>Locks the existing folder of an interrupted run, to continue writing into it.</summary>
    /// <exception cref="IOException">Another run holds the folder.</exception>
    public static RunFolder OpenForResume(string dir)
    {
        var full = System.IO.Path.GetFullPath(dir);
        return new RunFolder(full, Lock(full));
    }

    /// <summary>Creates (when missing) a folder for <c>eval</c>'s reports; not locked.</summary>
    /// <exception cref="IOException">The path is a file, or the folder cannot be created.</exception>
    public static RunFolder CreateForReports(string dir)
    {
        if (File.Exists(dir))
        {
            throw new IOException($"--output {dir}: is a file; expected a folder");
        }

        Directory.CreateDirectory(dir);
        return new RunFolder(System.IO.Path.GetFullPath(dir), null);
    }

    /// <summary>Path of <paramref name="name"/> in the folder.</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="name"/> with <paramref name="write"/> (given its full path) and adds it to the manifest.</summary>
    public void Write(string name, Action<string> write)
    {
        write(PathOf(name));
        _written.Add(name);
    }

    /// <summary>Adds a file written by other means (e.g. <c>model.json</c> beside <c>model.dat</c>) to the manifest.</summary>
    public void Record(string name) => _written.Add(name);

    /// <inheritdoc />
    public void Dispose() => _lock?.Dispose();

    /// <summary>Position of <paramref name="file"/> in <see cref="RunFiles.Files"/>, or past its end for other files.</summary>
    private static int Rank(string file)
    {
        for (var i = 0; i < RunFiles.Files.Count; i++)
        {
            if (RunFiles.Files[i] == file)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static string Prepare(string? output, bool overwrite)
    {
        string dir;
        if (output is null)
        {
            var stem = System.IO.Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            dir = stem;
            for (var i = 2; Directory.Exists(dir) || File.Exists(dir); i++)
            {
                dir = $"{stem}-{i}";
            }
        }
        else
        {
            dir = output;
            if (File.Exists(dir))
            {
                throw new IOException($"--output {output}: is a file; expected a folder");
            }

            // A lone .lock is left by a run killed with SIGKILL before it wrote anything; a live run holding it is refused by Lock.
            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any(e => System.IO.Path.GetFileName(e) != LockFile) && !overwrite)
            {
                throw new IOException($"--output {output}: folder exists and is not empty; choose another folder or add --overwrite");
            }
        }

        try
        {
            Directory.CreateDirectory(dir);
            var probe = System.IO.Path.Combine(dir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = BlockingFile(dir) is { } file ? $"{file} is a file, not a folder" : e.Message;
            throw new IOException($"--output {output ?? dir}: cannot write to the folder ({why}); choose a writable folder", e);
        }

        return System.IO.Path.GetFullPath(dir);
    }

    /// <summary>The nearest existing ancestor of <paramref name="dir"/> when it is a file (so the folder cannot be created), else null.</summary>
    private static string? BlockingFile(string dir)
    {
        for (var p = System.IO.Path.GetFullPath(dir); !string.IsNullOrEmpty(p); p = System.IO.Path.GetDirectoryName(p))
        {
            if (File.Exists(p))
            {
                return p;
            }

            if (Directory.Exists(p))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Takes an exclusive lock on <c>.lock</c> in the folder for the whole run, so that two runs (or a run and a
    /// resume) never write into the same folder at once. The kernel releases it when the process ends.
    /// </summary>
    /// <exception cref="IOException">Another run holds the folder.</exception>
    private static FileStream Lock(string dir)
    {
        try
        {
            return new FileStream(System.IO.Path.Combine(dir, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new IOException($"--output {dir}: another train run is writing to this folder; wait for it to end or choose another folder", e);
        }
    }

    private void RemovePreviousOutputs()
    {
        foreach (var file in RunFiles.Files)
        {
            File.Delete(PathOf(file));
        }

        foreach (var sub in RunFiles.Folders)
        {
            if (Directory.Exists(PathOf(sub)))
            {
                Directory.Delete(PathOf(sub), recursive: true);
            }
        }
    }
}
