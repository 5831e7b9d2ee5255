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
    private readonly List<string> _replaced = [];
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
    /// folder. With <paramref name="overwrite"/>, what an earlier run (and its evals) wrote there is moved aside into
    /// <see cref="ReplacedDir"/>, restorable, until the new run has written its model (<see cref="DiscardReplaced"/>);
    /// files the tool did not write stay where they are.
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
            folder.MovePreviousOutputsAside();
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

    /// <summary>
    /// Creates (when missing) and locks a folder for <c>eval</c>'s reports, so two evals cannot mix their files in one
    /// folder; a training run's folder is refused, since the reports would replace the run's own <c>report.html</c> and
    /// confusion matrices.
    /// </summary>
    /// <exception cref="IOException">The path is a file, the folder cannot be created, or another run holds it.</exception>
    /// <exception cref="UsageException">The folder holds a training run.</exception>
    public static RunFolder CreateForReports(string dir)
    {
        if (File.Exists(dir))
        {
            throw new IOException($"--output {dir}: is a file; expected a folder");
        }

        var full = System.IO.Path.GetFullPath(dir);
        if (File.Exists(System.IO.Path.Combine(full, RunFiles.ModelJson))
            && (File.Exists(System.IO.Path.Combine(full, RunFiles.History)) || Directory.Exists(System.IO.Path.Combine(full, RunFiles.CheckpointDir))))
        {
            throw new UsageException($"--output {dir}: holds a training run ({RunFiles.ModelJson}, {RunFiles.History}); eval's {RunFiles.Report} and confusion matrices would replace the run's own; choose another folder (by default eval writes into the run's {RunFiles.EvalDir(EvalSplit.Test)}/)");
        }

        Directory.CreateDirectory(full);
        return new RunFolder(full, Lock(full));
    }

    /// <summary>
    /// Hidden sub-folder that holds the outputs of the run that <c>--overwrite</c> replaces, laid out as they were, until
    /// the new run has written its model; after a new run that failed before that, move them back to restore the old run.
    /// </summary>
    public const string ReplacedDir = ".replaced-run";

    /// <summary>The outputs moved aside by <c>--overwrite</c> (relative paths), empty when none.</summary>
    public IReadOnlyList<string> Replaced => _replaced;

    /// <summary>Deletes the outputs moved aside by <c>--overwrite</c>: call once the new run has written its model.</summary>
    public void DiscardReplaced()
    {
        var dir = PathOf(ReplacedDir);
        if (_replaced.Count > 0 && Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        _replaced.Clear();
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
            throw new IOException($"--output {dir}: another run of the tool (train or eval) is writing to this folder; wait for it to end or choose another folder", e);
        }
    }

    /// <summary>
    /// Moves the outputs of the run being replaced into <see cref="ReplacedDir"/>: the files the tool writes at the top of a
    /// run folder, and inside <c>checkpoint/</c> and <c>eval-*/</c> only the files with names the tool writes there (a user's
    /// own file in those folders stays). A folder left empty is removed. When an earlier <c>--overwrite</c> failed, its
    /// moved-aside run is kept unless the folder now holds a newer model.
    /// </summary>
    private void MovePreviousOutputsAside()
    {
        var aside = PathOf(ReplacedDir);
        if (Directory.Exists(aside))
        {
            if (!File.Exists(PathOf(RunFiles.Model)))
            {
                // The folder holds only what a failed run wrote; the run moved aside before it is the one to keep.
                foreach (var file in RunFiles.Files.Where(f => File.Exists(PathOf(f))))
                {
                    File.Delete(PathOf(file));
                }

                RemoveToolFolders();
                _replaced.AddRange(Directory.EnumerateFileSystemEntries(aside).Select(System.IO.Path.GetFileName)!);
                return;
            }

            Directory.Delete(aside, recursive: true);
        }

        void MoveAside(string relative)
        {
            var target = System.IO.Path.Combine(aside, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Move(PathOf(relative), target);
            _replaced.Add(relative.Replace('\\', '/'));
        }

        foreach (var file in RunFiles.Files.Where(f => File.Exists(PathOf(f))))
        {
            MoveAside(file);
        }

        foreach (var sub in RunFiles.Folders.Where(d => Directory.Exists(PathOf(d))))
        {
            foreach (var file in Directory.EnumerateFiles(PathOf(sub)).Select(System.IO.Path.GetFileName).Where(n => IsToolFile(sub, n!)).ToList())
            {
                MoveAside(System.IO.Path.Combine(sub, file!));
            }

            if (!Directory.EnumerateFileSystemEntries(PathOf(sub)).Any())
            {
                Directory.Delete(PathOf(sub));
            }
        }
    }

    /// <summary>Removes the tool's files from <c>checkpoint/</c> and <c>eval-*/</c>, and each such folder left empty.</summary>
    private void RemoveToolFolders()
    {
        foreach (var sub in RunFiles.Folders.Where(d => Directory.Exists(PathOf(d))))
        {
            foreach (var file in Directory.EnumerateFiles(PathOf(sub)).Where(f => IsToolFile(sub, System.IO.Path.GetFileName(f))).ToList())
            {
                File.Delete(file);
            }

            if (!Directory.EnumerateFileSystemEntries(PathOf(sub)).Any())
            {
                Directory.Delete(PathOf(sub));
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> in the run's sub-folder <paramref name="sub"/> is a file the tool writes there.</summary>
    internal static bool IsToolFile(string sub, string name) =>
        sub.StartsWith(RunFiles.CheckpointDir, StringComparison.Ordinal)
            ? name is "state.json" or "history.csv" or "last-model.dat" or "best-model.dat" or "optimizer.dat"
                || name.EndsWith(".safetensors", StringComparison.Ordinal) || name.EndsWith(".state.dat", StringComparison.Ordinal)
            : sub == RunFiles.TensorBoardDir
                ? name.StartsWith("events.out.tfevents.", StringComparison.Ordinal)
                : RunFiles.Files.Contains(name) || name.EndsWith(".tmp", StringComparison.Ordinal);
}
