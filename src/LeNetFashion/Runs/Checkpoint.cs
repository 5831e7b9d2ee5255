using System.Text.Json;
using LeNetFashion.IO;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Training;
using static TorchSharp.torch;

namespace LeNetFashion.Runs;

/// <summary>
/// The resumable checkpoint of the last completed epoch, in <c>&lt;run&gt;/checkpoint/</c>: the model's weights
/// (<c>last-model.dat</c>), the optimizer's state (<c>optimizer.dat</c>), the best weights so far (<c>best-model.dat</c>),
/// the history (<c>history.csv</c>) and <c>state.json</c>. A new checkpoint is written into a sibling folder
/// and swapped in by renames, so a crash leaves either the old or the new one complete.
/// </summary>
public sealed class Checkpoint(string runDir)
{
    private const string StateFile = "state.json";
    private const string LastModel = "last-model.dat";
    private const string BestModel = "best-model.dat";
    private const string OptimizerFile = "optimizer.dat";

    private string Dir => Path.Combine(runDir, RunFiles.CheckpointDir);

    /// <summary>Reads <c>state.json</c> of a run folder.</summary>
    /// <exception cref="ArgumentException">No such folder or no checkpoint in it; one-line message.</exception>
    /// <exception cref="IOException">The state file cannot be read; one-line message.</exception>
    /// <exception cref="ModelFileException">The state file is empty or not valid JSON; one-line message.</exception>
    public static CheckpointState ReadState(string runDir)
    {
        var dir = Path.Combine(runDir, RunFiles.CheckpointDir);
        if (!Directory.Exists(dir) && Directory.Exists(dir + ".old"))
        {
            Directory.Move(dir + ".old", dir);
        }

        if (!Directory.Exists(runDir))
        {
            throw new ArgumentException($"--resume {runDir}: folder not found; expected the folder of an interrupted train run");
        }

        var path = Path.Combine(dir, StateFile);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--resume {runDir}: no checkpoint found ({path} is missing); expected the folder of an interrupted train run");
        }

        try
        {
            return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path), ModelStore.JsonOptions)
                ?? throw new ModelFileException($"--resume {runDir}: the checkpoint in {dir} is damaged ({path} is empty); start a new run or resume another folder");
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"--resume {runDir}: the checkpoint in {dir} is damaged ({Path.GetFileName(path)} is not valid JSON at line {e.LineNumber + 1}); start a new run or resume another folder", e);
        }
    }

    /// <summary>Writes the checkpoint of the epochs completed so far.</summary>
    /// <param name="model">The model with the last completed epoch's weights.</param>
    /// <param name="optimizer">The optimizer, whose state (moments, step counts, learning rate) is saved.</param>
    /// <param name="best">The best weights so far, or null.</param>
    /// <param name="state">What <c>state.json</c> records.</param>
    /// <exception cref="IOException">A file cannot be written; the previous checkpoint is then left complete.</exception>
    public void Save(nn.Module<Tensor, Tensor> model, TorchSharp.Modules.OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor>? best, CheckpointState state)
    {
        var staging = Dir + ".new";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        try
        {
            WriteStaging(staging, model, optimizer, best, state);
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

    private void WriteStaging(string staging, nn.Module<Tensor, Tensor> model, TorchSharp.Modules.OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor>? best, CheckpointState state)
    {
        Directory.CreateDirectory(staging);
        model.save(Path.Combine(staging, LastModel));
        optimizer.save_state_dict(Path.Combine(staging, OptimizerFile));
        if (best is not null)
        {
            using var bestModel = Architectures.Get(state.Options.Architecture).Create();
            bestModel.load_state_dict(best.ToDictionary(kv => kv.Key, kv => kv.Value));
            bestModel.save(Path.Combine(staging, BestModel));
        }

        var history = Path.Combine(runDir, RunFiles.History);
        if (File.Exists(history))
        {
            File.Copy(history, Path.Combine(staging, RunFiles.History));
        }

        File.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(state, ModelStore.JsonOptions));
    }

    /// <summary>Reads the history of the completed epochs stored in the checkpoint (empty when it has none).</summary>
    /// <exception cref="ModelFileException">The history is damaged; one-line message naming the folder.</exception>
    public IReadOnlyList<EpochRecord> ReadHistory()
    {
        var path = Path.Combine(Dir, RunFiles.History);
        try
        {
            return File.Exists(path) ? HistoryCsv.Read(path) : [];
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException($"--resume {runDir}: the checkpoint in {Dir} is damaged ({e.Message.Split('\n')[0].Trim()}); start a new run or resume another folder", e);
        }
    }

    /// <summary>
    /// Loads the model's and optimizer's state and the best weights so far, and puts the checkpoint's history back
    /// as the run folder's <c>history.csv</c>.
    /// </summary>
    /// <param name="architecture">Architecture of the run (to rebuild the best weights).</param>
    /// <param name="model">Receives the last completed epoch's weights.</param>
    /// <param name="optimizer">Receives the optimizer's state.</param>
    /// <param name="best">The best weights so far (cloned), or null.</param>
    /// <exception cref="ModelFileException">A checkpoint file is missing or damaged; one-line message naming the folder.</exception>
    public void Load(Architecture architecture, nn.Module<Tensor, Tensor> model, TorchSharp.Modules.OptimizerHelper optimizer, out Dictionary<string, Tensor>? best)
    {
        try
        {
            LoadFiles(architecture, model, optimizer, out best);
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidDataException or ArgumentException or FileNotFoundException or EndOfStreamException)
        {
            throw new ModelFileException($"--resume {runDir}: the checkpoint in {Dir} is damaged ({e.Message.Split('\n')[0].Trim()}); start a new run or resume another folder", e);
        }
    }

    private void LoadFiles(Architecture architecture, nn.Module<Tensor, Tensor> model, TorchSharp.Modules.OptimizerHelper optimizer, out Dictionary<string, Tensor>? best)
    {
        model.load(Path.Combine(Dir, LastModel));
        optimizer.load_state_dict(Path.Combine(Dir, OptimizerFile));
        best = null;
        var bestPath = Path.Combine(Dir, BestModel);
        if (File.Exists(bestPath))
        {
            using var bestModel = architecture.Create();
            bestModel.load(bestPath);
            best = bestModel.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }

        var historyPath = Path.Combine(Dir, RunFiles.History);
        AtomicFile.Write(Path.Combine(runDir, RunFiles.History), tmp => File.Copy(historyPath, tmp, overwrite: true));
    }
}
