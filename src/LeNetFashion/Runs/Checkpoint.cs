using System.Text.Json;
using System.Text.Json.Nodes;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>
/// The resumable checkpoint of the last completed epoch, in <c>&lt;run&gt;/checkpoint/</c>: <c>state.json</c> (the
/// run's configuration, data folders, completed epochs and the JSON state of every part) and the files the parts
/// wrote (tensors as safetensors, the optimizer's own state file). The parts are the run's
/// <see cref="ITrainingState"/> objects (<see cref="Trainer.StatefulParts"/>): the checkpoint saves and restores them
/// without knowing what is inside. A new checkpoint is written into a sibling folder and swapped in by renames, so a
/// crash leaves either the old or the new one complete.
/// </summary>
public sealed class Checkpoint(string runDir)
{
    private const string StateFile = "state.json";

    private string Dir => Path.Combine(runDir, RunFiles.CheckpointDir);

    /// <summary>Reads <c>state.json</c> of a run folder.</summary>
    /// <exception cref="UsageException">No such folder or no checkpoint in it; one-line message.</exception>
    /// <exception cref="IOException">The state file cannot be read; one-line message.</exception>
    /// <exception cref="ModelFileException">The state file is empty, not valid JSON or of another format; one-line message.</exception>
    public static CheckpointState ReadState(string runDir)
    {
        var dir = Path.Combine(runDir, RunFiles.CheckpointDir);
        if (!Directory.Exists(dir) && Directory.Exists(dir + ".old"))
        {
            Directory.Move(dir + ".old", dir);
        }

        if (!Directory.Exists(runDir))
        {
            throw new UsageException($"--resume {runDir}: folder not found; expected the folder of an interrupted train run");
        }

        var path = Path.Combine(dir, StateFile);
        if (!File.Exists(path))
        {
            throw new UsageException($"--resume {runDir}: no checkpoint found ({path} is missing); expected the folder of an interrupted train run");
        }

        var text = File.ReadAllText(path);
        try
        {
            JsonDocument.Parse(text).Dispose();
        }
        catch (JsonException e)
        {
            throw Damaged(runDir, $"{Path.GetFileName(path)} is not valid JSON at line {e.LineNumber + 1}", e);
        }

        CheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(text, ModelStore.JsonOptions);
        }
        catch (JsonException e)
        {
            throw Damaged(runDir, $"{Path.GetFileName(path)}: {e.Path ?? "$"} does not hold what a checkpoint holds there", e);
        }

        if (state is null)
        {
            throw Damaged(runDir, $"{path} is empty");
        }

        if (state.Format == CheckpointState.CurrentFormat && state.States is null)
        {
            throw Damaged(runDir, $"{StateFile} has no 'states' of the run's parts");
        }

        if (state.Format != CheckpointState.CurrentFormat)
        {
            throw new ModelFileException($"--resume {runDir}: the checkpoint was written by an earlier version of the tool (format '{state.Format ?? "lenet-fashion-checkpoint/1"}', expected '{CheckpointState.CurrentFormat}') and cannot be resumed exactly; its model.dat is usable, or start a new run with --init {Path.Combine(runDir, RunFiles.Model)}");
        }

        // The recorded options are checked as the command line's are; a value the command line refuses (300 threads, a
        // negative batch size) means the file was edited or damaged, so it is the file that is blamed (exit 2).
        if (state.Options is null || state.DataDir is null)
        {
            throw Damaged(runDir, $"{StateFile} has no 'options' or 'data_dir'");
        }

        try
        {
            state.Options.Validate();
        }
        catch (UsageException e)
        {
            throw Damaged(runDir, $"{StateFile}: {e.Message}", e);
        }

        if (state.EpochsCompleted < 0 || state.EpochsCompleted > state.Options.Epochs || state.BestEpoch is < 0 || state.BestEpoch >= state.EpochsCompleted)
        {
            throw Damaged(runDir, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{StateFile}: epochs_completed {state.EpochsCompleted} and best_epoch {state.BestEpoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} do not fit a run of {state.Options.Epochs} epochs"));
        }

        // Checkpoints written before --memory-format existed trained every network in contiguous memory.
        return state with { Options = RunConfig.WithRecordedMemoryFormat(state.Options) };
    }

    /// <summary>Writes the checkpoint of the epochs completed so far.</summary>
    /// <param name="parts">Every part with training state, in load order (<see cref="Trainer.StatefulParts"/>).</param>
    /// <param name="header">What <c>state.json</c> records besides the parts' states.</param>
    /// <exception cref="IOException">A file cannot be written; the previous checkpoint is then left complete.</exception>
    public void Save(IEnumerable<ITrainingState> parts, CheckpointState header)
    {
        var staging = Dir + ".new";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        try
        {
            Directory.CreateDirectory(staging);
            var states = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var part in parts)
            {
                var writer = new StateWriter(staging, part.StateKey);
                part.SaveState(writer);
                if (!states.TryAdd(part.StateKey, writer.Values))
                {
                    throw new InvalidOperationException($"two parts of the run have the state key '{part.StateKey}'");
                }
            }

            File.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(header with { Format = CheckpointState.CurrentFormat, States = states }, ModelStore.JsonOptions));
        }
        catch
        {
            // A failed write (a full disk, for one) must not leave a half-written staging folder behind; the previous
            // checkpoint, untouched so far, stays the one to resume from.
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }

        var old = Dir + ".old";
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }

        if (Directory.Exists(Dir))
        {
            Directory.Move(Dir, old);
        }

        Directory.Move(staging, Dir);
        if (Directory.Exists(old))
        {
            // Files a user put into checkpoint/ are not the tool's to delete: they move into the new checkpoint.
            foreach (var file in Directory.EnumerateFiles(old).Where(f => !RunFolder.IsToolFile(RunFiles.CheckpointDir, Path.GetFileName(f))).ToList())
            {
                File.Move(file, Path.Combine(Dir, Path.GetFileName(file)));
            }

            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>The file being written when <paramref name="e"/> happened, relative to the run folder, when its message names one.</summary>
    internal static string? FileIn(Exception e, string runDir)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            var m = System.Text.RegularExpressions.Regex.Match(x.Message, @"'([^']+)'");
            if (m.Success && Path.IsPathRooted(m.Groups[1].Value))
            {
                var relative = Path.GetRelativePath(runDir, m.Groups[1].Value).Replace(RunFiles.CheckpointDir + ".new", RunFiles.CheckpointDir);
                return relative.Replace('\\', '/');
            }
        }

        return null;
    }

    /// <summary>Restores every part from the checkpoint, in the order given (the order they were saved in).</summary>
    /// <param name="state">The checkpoint's <c>state.json</c> (<see cref="ReadState"/>).</param>
    /// <param name="parts">The parts of the resumed run (<see cref="Trainer.StatefulParts"/>).</param>
    /// <exception cref="ModelFileException">A part's state is missing or damaged; one-line message naming the folder and the part.</exception>
    public void Load(CheckpointState state, IEnumerable<ITrainingState> parts)
    {
        foreach (var part in parts)
        {
            if (state.States?.GetValueOrDefault(part.StateKey) is not { } values)
            {
                throw Damaged(runDir, $"no state for '{part.StateKey}'");
            }

            try
            {
                part.LoadState(new StateReader(Dir, values));
            }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidDataException or ArgumentException or IOException)
            {
                throw Damaged(runDir, $"{part.StateKey}: {IO.Messages.FirstLine(e.Message)}", e);
            }
        }
    }

    private static ModelFileException Damaged(string runDir, string what, Exception? inner = null) =>
        new($"--resume {runDir}: the checkpoint in {Path.Combine(runDir, RunFiles.CheckpointDir)} is damaged ({what}); start a new run or resume another folder", inner);
}
