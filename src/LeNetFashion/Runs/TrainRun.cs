using System.Globalization;
using System.Security.Cryptography;
using LeNetFashion.Data;
using LeNetFashion.Evaluation;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runtime;
using LeNetFashion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetFashion.Runs;

/// <summary>
/// The <c>train</c> verb: resolves the run's configuration, loads the data, trains, keeps the best weights,
/// evaluates on the test set and writes every report into the run folder. A checkpoint of the last completed epoch
/// is kept in <c>checkpoint/</c> so an interrupted run can be resumed (<see cref="TrainRequest.Resume"/>).
/// </summary>
public static class TrainRun
{
    /// <summary>
    /// Resolves a request into the run's one configuration before anything runs: for a resume, the run's own
    /// configuration from its checkpoint (only the epochs and the data folders may change); otherwise the request's,
    /// with the seed drawn when not given, the device chosen and the thread count fixed; then validated.
    /// </summary>
    /// <exception cref="UsageException">Invalid option values, an unknown architecture, no CUDA for <c>--device cuda</c>,
    /// fewer epochs than a resumed run has completed, or no checkpoint to resume.</exception>
    /// <exception cref="IOException">An unreadable checkpoint.</exception>
    /// <exception cref="DataFormatException">No data folder with the training and test data.</exception>
    public static ResolvedRun Resolve(TrainRequest request)
    {
        CheckpointState? resumed = null;
        RunConfig config;
        string? dataDir, testDir;
        if (request.Resume is { } resumeDir)
        {
            resumed = Checkpoint.ReadState(resumeDir);
            if (request.ResumeEpochs is { } epochs && epochs <= resumed.EpochsCompleted)
            {
                throw new UsageException(
                    $"--epochs {epochs}: the run in {resumeDir} has already completed {resumed.EpochsCompleted} epoch(s); give more epochs to continue it");
            }

            config = resumed.Options with { Epochs = request.ResumeEpochs ?? resumed.Options.Epochs };
            dataDir = request.DataDir ?? resumed.DataDir;
            testDir = request.TestDir ?? resumed.TestDir;
        }
        else
        {
            config = request.Config;
            dataDir = request.DataDir;
            testDir = request.TestDir;
        }

        config.Validate();
        var (dataset, resolvedDataDir) = TrainingData.Resolve(config.Dataset, dataDir, testDir);
        if (resumed is not null && resumed.Options.Dataset is { } trained && trained != dataset.Name)
        {
            // Not even --allow-changed-data: other classes and pictures would mix two runs' results in one folder.
            throw new UsageException($"--data-dir {dataDir}: a {dataset.Name} data set, but the run in {request.Resume} was trained on {trained}; resume it with its own kind of data, or start a new run");
        }

        config = config with
        {
            Dataset = dataset.Name,
            Device = TorchRuntime.KindOf(TorchRuntime.SelectDevice(config.Device)),
            Threads = config.Threads ?? Environment.ProcessorCount,
            Seed = config.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue),
            MemoryFormat = config.MemoryFormat ?? Architectures.Get(config.Architecture).DefaultMemoryFormat,
        };
        return new ResolvedRun(config, dataset, resolvedDataDir, testDir is null ? null : Path.GetFullPath(testDir), resumed, request.Resume);
    }

    /// <summary>
    /// Runs training as <paramref name="request"/> asks, in four steps: resolve the configuration, load and check the
    /// data, build the session (<see cref="TrainingSession"/>) and fit it, then write the run's files
    /// (<see cref="RunOutputs"/>). A checkpoint is written after every epoch.
    /// </summary>
    /// <param name="request">What to train, or which run to resume.</param>
    /// <param name="reporter">Receives information lines and, as the last callback, training progress.</param>
    /// <param name="cancellationToken">Ctrl+C: stop after the current batch, write what is complete.</param>
    /// <param name="callbacks">More callbacks of the caller (logs, metrics), called after the checkpoint and before the reporter.</param>
    /// <returns>The run folder, configuration, history, best epoch and test results.</returns>
    /// <exception cref="DataFormatException">Data missing or damaged.</exception>
    /// <exception cref="UsageException">Invalid option values (one-line message naming the option).</exception>
    /// <exception cref="IOException">The run folder cannot be written.</exception>
    public static TrainRunResult Execute(TrainRequest request, RunReporter reporter, CancellationToken cancellationToken = default, IEnumerable<TrainerCallback>? callbacks = null)
    {
        var run = Resolve(request);
        var config = run.Config;
        if (run.Resumed is { Finished: true } && request.ResumeEpochs is null && Completed(run.ResumeDir!) is { } done)
        {
            return done;
        }

        // Every input is checked before the run folder is created and before any training: damaged data (the test
        // files included), a batch size the data cannot fill or an --init model of other shapes fail in seconds.
        var data = TrainingData.Load(run.Dataset, run.DataDir, run.TestDir, config.Limit);
        if (run.Resumed is null && config.Init is { } initFile && File.Exists(initFile))
        {
            string sha;
            using (var stream = File.OpenRead(initFile))
            {
                sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            }

            if (config.InitSha256 is { } pinned && !string.Equals(pinned, sha, StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--init {initFile}: its SHA-256 is {sha[..8]}…, but the configuration recorded {pinned[..Math.Min(8, pinned.Length)]}… (the file changed since that run, so the run would not repeat); start from the same file, or remove init_sha256 from the configuration");
            }

            config = config with { InitSha256 = sha };
        }

        using var init = run.Resumed is null && config.Init is { } initPath ? LoadInit(initPath, config.Architecture) : null;
        var plan = TrainingSession.Check(config, data, init);
        var dataSha256 = DataSha256(data);
        if (run.Resumed?.DataSha256 is { } recorded)
        {
            CheckSameData(run.ResumeDir!, recorded, dataSha256, request.AllowChangedData, reporter);
        }

        using var folder = run.ResumeDir is null ? RunFolder.CreateForTraining(request.Output, request.Overwrite) : RunFolder.OpenForResume(run.ResumeDir);
        var checkpoint = new Checkpoint(folder.Path);
        var clock = new FirstBatchClock();
        // A resumed run keeps the choice it was started with: its tensorboard/ folder exists after its first epoch unless
        // it was started with --no-tensorboard (every resumable run has completed an epoch).
        var writeTensorBoard = request.TensorBoard && (run.ResumeDir is null || Directory.Exists(Path.Combine(folder.Path, RunFiles.TensorBoardDir)));
        using var tensorboard = writeTensorBoard ? new TensorBoardCallback(folder.Path, config) : null;
        List<TrainerCallback> outputs = [new CheckpointCallback(folder, checkpoint, config, run.DataDir, run.TestDir, dataSha256), clock, .. tensorboard is null ? Array.Empty<TrainerCallback>() : [tensorboard], .. callbacks ?? [], reporter];
        using var session = TrainingSession.Create(config, data, init, outputs, plan);

        RunOutputs.Announce(reporter, session, data, folder.Path);
        if (folder.Replaced.Count > 0)
        {
            reporter.Info(string.Create(CultureInfo.InvariantCulture,
                $"--overwrite: the previous run's {folder.Replaced.Count} output(s) are kept in {Path.Combine(folder.Path, RunFolder.ReplacedDir)} until this run has written its model"));
        }
        folder.Write(RunFiles.Samples, path => RunOutputs.WriteSamples(path, data.Train, data.Dataset.ClassNames));

        // From here on the training pixels are read from the session's tensor only, so the managed copy goes (47 MB for
        // Fashion-MNIST), and so do the copies reading the IDX files left behind (the decompressed file and its parse,
        // 47 MB each), which no collection would reach during training: the managed heap barely grows from here on. One
        // full, compacting collection gives their pages back before the first epoch.
        data = data.WithoutTrainingPixels();
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (run.Resumed is { } resumed)
        {
            checkpoint.Load(resumed, session.Trainer.StatefulParts);
            if (session.Trainer.History.Count != resumed.EpochsCompleted || session.Best.Epoch != resumed.BestEpoch
                || (session.Best.Epoch is { } bestEpoch && session.Best.ValAcc != session.Trainer.History[bestEpoch].ValAcc))
            {
                throw new ModelFileException($"--resume {run.ResumeDir}: the checkpoint in {Path.Combine(run.ResumeDir!, RunFiles.CheckpointDir)} is damaged (state.json says {resumed.EpochsCompleted} epochs and best epoch {resumed.BestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "none"}, its parts {session.Trainer.History.Count} and {session.Best.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "none"}); start a new run or resume another folder");
            }
            folder.Write(RunFiles.History, path => HistoryCsv.Write(path, session.Trainer.History));
            if (session.Scheduler is not null && config.LrSchedule == LrSchedules.Cosine && config.Epochs != resumed.Options.Epochs)
            {
                reporter.Info(string.Create(CultureInfo.InvariantCulture,
                    $"note: the cosine schedule now spans {config.Epochs} epochs instead of {resumed.Options.Epochs}; epoch {session.Trainer.History.Count} continues at learning rate {session.Trainer.LearningRate:G6}"));
            }

            reporter.Info($"Resuming after epoch {session.Trainer.History.Count - 1} (best so far: epoch {session.Best.Epoch})");
        }

        var result = session.Trainer.Fit(cancellationToken);
        var outcome = RunOutputs.Write(folder, session, data, result, clock.Seconds);
        if (tensorboard?.EventFile is not null)
        {
            tensorboard.LogImage("confusion_matrix", folder.PathOf(RunFiles.ConfusionPng), Math.Max(0, result.History.Count - 1));
            outcome = outcome with { Files = [.. outcome.Files, RunFiles.TensorBoardDir + "/"] };
        }

        return outcome;
    }

    /// <summary>SHA-256 of each data file the run reads, by standard name (training and test images and labels).</summary>
    private static Dictionary<string, string> DataSha256(TrainingData data) =>
        DatasetVerifier.Provenance(data.Train).Concat(DatasetVerifier.Provenance(data.Test))
            .ToDictionary(p => p.StandardName, p => p.Sha256, StringComparer.Ordinal);

    /// <summary>
    /// Refuses to resume on data whose SHA-256s differ from those the checkpoint recorded, unless
    /// <paramref name="allow"/>; then says what changed.
    /// </summary>
    /// <exception cref="DataFormatException">The data differ and <paramref name="allow"/> is false.</exception>
    private static void CheckSameData(string runDir, IReadOnlyDictionary<string, string> recorded, IReadOnlyDictionary<string, string> now, bool allow, RunReporter reporter)
    {
        var changed = recorded.Where(r => !now.TryGetValue(r.Key, out var sha) || !string.Equals(sha, r.Value, StringComparison.OrdinalIgnoreCase))
            .Select(r => $"{r.Key}: {Short(r.Value)} then, {(now.TryGetValue(r.Key, out var sha) ? Short(sha) : "missing")} now")
            .ToList();
        if (changed.Count == 0)
        {
            return;
        }

        var what = string.Join("; ", changed);
        if (!allow)
        {
            throw new DataFormatException($"--resume {runDir}: the data differ from those the run was trained on (SHA-256 {what}); resume with the same data, or add --allow-changed-data to continue on these");
        }

        reporter.Info($"note: --allow-changed-data: continuing on data that differ from those the run was trained on (SHA-256 {what})");
        static string Short(string sha) => sha.Length > 8 ? sha[..8] + "…" : sha;
    }

    /// <summary>
    /// The result of a finished run whose outputs are all there (<c>model.json</c> with a test accuracy), or null when
    /// the outputs must still be written (a run stopped between its last epoch and its test evaluation).
    /// </summary>
    private static TrainRunResult? Completed(string runDir)
    {
        ModelMetadata metadata;
        try
        {
            metadata = ModelStore.LoadMetadata(Path.Combine(runDir, RunFiles.Model));
        }
        catch (ModelFileException)
        {
            return null;
        }

        if (metadata is not { TestAccuracy: { } test, Options: { } options } || !File.Exists(Path.Combine(runDir, RunFiles.Report)))
        {
            return null;
        }

        var training = new TrainingResult([], TrainingOutcome.Completed, null, StoppedEarly: metadata.EpochsCompleted < options.Epochs);
        return new TrainRunResult(Path.GetFullPath(runDir), options, training, metadata.BestEpoch, metadata.ValAccuracy ?? 0, test, null, [])
        {
            AlreadyComplete = true,
        };
    }

    /// <summary>Loads the <c>--init</c> model and checks that it is a model of <c>--arch</c>.</summary>
    /// <exception cref="ModelFileException">The file cannot be read, or holds another architecture (the line says which <c>--arch</c> to add).</exception>
    private static Classifier LoadInit(string path, string architecture)
    {
        var classifier = ModelStore.Load(path).Classifier;
        if (classifier.Architecture.Name != architecture)
        {
            var found = classifier.Architecture.Name;
            classifier.Dispose();
            throw new ModelFileException($"--init {path}: a model of architecture '{found}', but --arch is '{architecture}'; add --arch {found} to start from it");
        }

        return classifier;
    }

    /// <summary>Notes the seconds from process start to the start of the first training batch of this invocation.</summary>
    private sealed class FirstBatchClock : TrainerCallback
    {
        /// <summary>Seconds from process start to <see cref="OnTrainStart"/> when an epoch is left to run, else null.</summary>
        public double? Seconds { get; private set; }

        /// <inheritdoc/>
        public override void OnTrainStart(Trainer trainer)
        {
            if (trainer.History.Count < trainer.Epochs)
            {
                Seconds ??= RunTiming.SecondsSinceProcessStart();
            }
        }
    }
}
