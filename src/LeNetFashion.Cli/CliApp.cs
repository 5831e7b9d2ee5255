using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using System.Globalization;
using LeNetFashion.Data;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using LeNetFashion.Training;

namespace LeNetFashion.Cli;

/// <summary>The command line: verbs <c>train</c>, <c>eval</c> and <c>summarize</c> (System.CommandLine).</summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the verb.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Standard output (tests pass a StringWriter).</param>
    /// <param name="error">Standard error.</param>
    /// <param name="cancellationToken">Cancels training (in addition to Ctrl+C).</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;

        // Numbers on the command line, in help text and in output are culture-invariant ('.' decimals).
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            var root = BuildRootCommand(output, error, cancellationToken);
            var parse = root.Parse(args);
            if (parse.Action is ParseErrorAction parseError)
            {
                parseError.ShowHelp = false; // one line per error, not the whole help text
            }

            return ResponseFiles.ReportMissingFile(args, error) ?? parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>Builds the command tree.</summary>
    internal static RootCommand BuildRootCommand(TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = new RootCommand("Train, evaluate and explain LeNet on Fashion-MNIST with TorchSharp.");
        root.Subcommands.Add(TrainCommand(output, error, cancellationToken));
        root.Subcommands.Add(EvalCommand(output, error));
        root.Subcommands.Add(SummarizeCommand(output, error));
        return root;
    }

    private static Option<string?> DataDirOption() => NonEmpty(new Option<string?>("--data-dir")
    {
        Description = $"Folder with the four Fashion-MNIST files (gzip or raw). Default: ${DataLocator.EnvironmentVariable}, then ./{DataLocator.LocalDirectory.Replace('\\', '/')}, then {DataLocator.SystemDirectory} (relative paths are from the current folder).",
        HelpName = "dir",
    });

    /// <summary>Refuses an empty or blank value (e.g. <c>--output ""</c>) with one line naming the option.</summary>
    private static Option<T> NonEmpty<T>(Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[^1].Value))
            {
                r.AddError($"{option.Name}: empty value; expected a path");
            }
        });
        return option;
    }

    private static Option<string> DeviceOption()
    {
        var o = new Option<string>("--device")
        {
            Description = "auto (CUDA when available, else CPU), cpu or cuda.",
            DefaultValueFactory = _ => "auto",
        };
        o.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        return o;
    }

    private static Option<bool> VerboseOption() => new("--verbose")
    {
        Description = "Show stack traces of errors.",
    };

    private static Option<int> PositiveInt(string name, string description, int defaultValue, string helpName)
    {
        var o = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName };
        o.Validators.Add(r =>
        {
            if (TryGet<int>(r, out var v) && v < 1)
            {
                r.AddError($"{name} {v}: expected an integer of at least 1");
            }
        });
        return o;
    }

    /// <summary>The option's value, or false when it did not parse (System.CommandLine reports that error itself).</summary>
    private static bool TryGet<T>(OptionResult r, out T value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>
    /// Parses a number with '.' decimals whatever the current culture. System.CommandLine's own parser uses the current
    /// culture, where (in German, for example) "0.001" reads as 1 and "0.8" as 8: a silently wrong learning rate.
    /// </summary>
    private static Func<ArgumentResult, double> InvariantDouble(string example) => r =>
    {
        var token = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(" ", r.Tokens.Select(t => t.Value));
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        var option = (r.Parent as OptionResult)?.Option.Name;
        r.AddError($"{option} {token}: expected a number with '.' as the decimal separator, such as {example}");
        return 0;
    };

    private static Option<int?> OptionalPositiveInt(string name, string description, string helpName)
    {
        var o = new Option<int?>(name) { Description = description, HelpName = helpName };
        o.Validators.Add(r =>
        {
            if (TryGet<int?>(r, out var v) && v is < 1)
            {
                r.AddError($"{name} {v}: expected an integer of at least 1");
            }
        });
        return o;
    }

    private static Command TrainCommand(TextWriter output, TextWriter error, CancellationToken externalToken)
    {
        var defaults = new TrainingOptions();
        var dataDir = DataDirOption();
        var epochs = PositiveInt("--epochs", "Number of epochs (passes over the training batches).", defaults.Epochs, "n");
        var batchSize = PositiveInt("--batch-size", "Images per batch; the last batch may be smaller.", defaults.BatchSize, "n");
        var lr = new Option<double>("--lr")
        {
            Description = "Adam learning rate, a positive number.",
            DefaultValueFactory = _ => defaults.LearningRate,
            CustomParser = InvariantDouble("0.001"),
            HelpName = "rate",
        };
        lr.Validators.Add(r =>
        {
            if (TryGet<double>(r, out var v) && !(double.IsFinite(v) && v > 0))
            {
                r.AddError($"--lr {v.ToString(CultureInfo.InvariantCulture)}: expected a positive finite number such as 0.001");
            }
        });
        var trainRate = new Option<double>("--train-rate")
        {
            Description = "Fraction of the training batches that train, strictly between 0 and 1; the following batches validate (round(batches × rate) train).",
            DefaultValueFactory = _ => defaults.TrainRate,
            CustomParser = InvariantDouble("0.8"),
            HelpName = "fraction",
        };
        trainRate.Validators.Add(r =>
        {
            if (TryGet<double>(r, out var v) && !(v > 0 && v < 1))
            {
                r.AddError($"--train-rate {v.ToString(CultureInfo.InvariantCulture)}: expected a number strictly between 0 and 1, such as 0.8");
            }
        });
        var device = DeviceOption();
        var threads = OptionalPositiveInt("--threads", $"CPU threads for LibTorch. Default: all logical cores ({Environment.ProcessorCount} here).", "n");
        var seed = new Option<long?>("--seed")
        {
            Description = "Seed for the weight initialisation; with the same seed and options, CPU runs are bitwise reproducible. Default: a random seed, recorded in model.json.",
            HelpName = "n",
        };
        var outputDir = NonEmpty(new Option<string?>("--output", "-o")
        {
            Description = "Run folder for the model and reports. Default: a new folder runs/<yyyyMMdd-HHmmss> under the current folder; an existing non-empty folder is refused without --overwrite.",
            HelpName = "dir",
        });
        var overwrite = new Option<bool>("--overwrite") { Description = "Allow --output to be an existing, non-empty folder; the previous run's outputs in it are replaced, other files are kept." };
        var limit = OptionalPositiveInt("--limit", "Use only the first N training images (quick runs).", "n");
        var resume = NonEmpty(new Option<string?>("--resume")
        {
            Description = "Continue an interrupted run from its last completed epoch (its folder) with the run's own options; only --epochs (to train longer) and --data-dir (data moved) may be given with it.",
            HelpName = "run-dir",
        });
        var verbose = VerboseOption();

        var command = new Command("train", "Train LeNet on Fashion-MNIST (the tutorial's recipe by default) and write the model, history.csv, curves.png, samples.png and the test-set confusion matrix into a run folder.")
        {
            dataDir, epochs, batchSize, lr, trainRate, device, threads, seed, outputDir, overwrite, limit, resume, verbose,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(resume) is not { Implicit: false })
            {
                return;
            }

            var conflicting = new Option[] { batchSize, lr, trainRate, device, threads, seed, outputDir, overwrite, limit }
                .Where(o => r.GetResult(o) is { Implicit: false })
                .Select(o => o.Name)
                .ToList();
            if (conflicting.Count > 0)
            {
                r.AddError($"--resume continues with the run's own options; remove {string.Join(", ", conflicting)} (only --epochs and --data-dir may be given with --resume)");
            }
        });
        command.SetAction(parse =>
        {
            var options = new TrainRunOptions
            {
                DataDir = parse.GetValue(dataDir),
                Training = new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    LearningRate = parse.GetValue(lr),
                    TrainRate = parse.GetValue(trainRate),
                },
                Device = parse.GetValue(device)!,
                Threads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
                Output = parse.GetValue(outputDir),
                Overwrite = parse.GetValue(overwrite),
                Limit = parse.GetValue(limit),
                Resume = parse.GetValue(resume),
                EpochsGiven = parse.GetResult(epochs) is { Implicit: false },
            };
            return Guard(error, parse.GetValue(verbose), () => Train(options, output, error, externalToken));
        });
        return command;
    }

    private static int Train(TrainRunOptions options, TextWriter output, TextWriter error, CancellationToken externalToken)
    {
        TorchRuntime.EnsureLoaded();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(externalToken);
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var signal = 0;

        // SIGINT (Ctrl+C) and SIGTERM (kill, timeout, service managers) both stop after the current batch and
        // save what is complete; a second signal ends the process at once (the default action).
        void OnSignal(PosixSignalContext context)
        {
            if (cts.IsCancellationRequested)
            {
                return;
            }

            context.Cancel = true;
            signal = context.Signal == PosixSignal.SIGTERM ? 15 : 2;
            error.WriteLine($"{(interactive ? "\n" : "")}Interrupted: stopping after the current batch and saving what is complete (send the signal again to quit at once)");
            cts.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        {
            var reporter = new ConsoleReporter(output, interactive, options.Training.Epochs);
            var result = TrainRun.Execute(options, reporter, cts.Token);
            var t = result.Training;
            if (t.BestEpoch is { } best)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Best epoch: {best} (validation accuracy {t.BestValAcc:F4}); its weights were restored"));
            }

            switch (t.Outcome)
            {
                case TrainingOutcome.Interrupted when t.History.Count == 0:
                    error.WriteLine($"Interrupted before the first epoch completed; nothing to resume ({result.OutputDir} holds only {RunFiles.Samples})");
                    return InterruptedCode(signal);
                case TrainingOutcome.Interrupted:
                    error.WriteLine($"Interrupted after {t.History.Count} completed epoch(s); saved in {result.OutputDir} (checkpoint, history, best model); continue with: train --resume {result.OutputDir}");
                    return InterruptedCode(signal);
                case TrainingOutcome.Diverged when t.History.Count == 0:
                    error.WriteLine($"error: {t.Message}; no epoch completed, so no model, history or plots were written ({result.OutputDir} holds only {RunFiles.Samples})");
                    return ExitCodes.Diverged;
                case TrainingOutcome.Diverged:
                    error.WriteLine($"error: {t.Message}; {t.History.Count} completed epoch(s) saved in {result.OutputDir}");
                    return ExitCodes.Diverged;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {result.TestAccuracy:F4}"));
            if (result.Confusion!.MostConfusedPairs(1) is [var pair])
            {
                output.WriteLine($"Most confused: {pair}");
            }

            output.WriteLine($"Wrote {result.OutputDir}: {RunFiles.Model}, {RunFiles.ModelJson}, {RunFiles.History}, {RunFiles.Curves}, {RunFiles.Samples}, {RunFiles.ConfusionCsv}, {RunFiles.ConfusionPng}");
            return ExitCodes.Success;
        }
    }

    /// <summary>130 after SIGINT (or a cancelled token), 143 after SIGTERM: 128 + the signal number, as shells report.</summary>
    private static int InterruptedCode(int signal) => signal == 15 ? ExitCodes.Terminated : ExitCodes.Interrupted;

    private static Command EvalCommand(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m")
        {
            Description = "Model file written by train (model.dat; model.json must be beside it).",
            Required = true,
            HelpName = "file",
        };
        var dataDir = DataDirOption();
        var device = DeviceOption();
        var batchSize = OptionalPositiveInt("--batch-size", $"Images per forward pass. Default: {LeNetFashion.Evaluation.Evaluator.DefaultBatchSize} for the test set (as train's final test), the training batch size for --split val.", "n");
        var outputDir = NonEmpty(new Option<string?>("--output", "-o") { Description = "Folder for the reports. Default: eval-test/ or eval-val/ beside the model file.", HelpName = "dir" });
        var split = new Option<string>("--split")
        {
            Description = "test: the 10,000 test images; val: the model's validation batches (its stored batch size and train rate).",
            DefaultValueFactory = _ => "test",
        };
        split.AcceptOnlyFromAmong("test", "val");
        var verbose = VerboseOption();
        var command = new Command("eval", "Score a saved model on the test set (or its validation batches): accuracy, per-class precision/recall/F1, most confused pairs, confusion-matrix CSV and PNGs, misclassified.png, metrics.json.")
        {
            model, dataDir, device, batchSize, outputDir, split, verbose,
        };
        command.SetAction(parse => Guard(error, parse.GetValue(verbose), () =>
        {
            TorchRuntime.EnsureLoaded();
            var r = EvalRun.Execute(new EvalRunOptions
            {
                Model = parse.GetValue(model)!,
                DataDir = parse.GetValue(dataDir),
                Device = parse.GetValue(device)!,
                BatchSize = parse.GetValue(batchSize),
                Output = parse.GetValue(outputDir),
                Split = parse.GetValue(split)!,
            });
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.SplitName} accuracy: {r.Confusion.Accuracy:F4} ({r.Confusion.Correct:N0} of {r.Confusion.Total:N0})"));
            output.WriteLine();
            output.Write(r.Report.ToText());
            output.WriteLine();
            output.WriteLine("Most confused pairs:");
            foreach (var p in r.Confusion.MostConfusedPairs(3))
            {
                output.WriteLine($"  {p}");
            }

            output.WriteLine();
            output.WriteLine($"Wrote {r.OutputDir}: {RunFiles.ConfusionCsv}, {RunFiles.ConfusionPng}, {RunFiles.ConfusionNormalizedPng}, {RunFiles.Misclassified}, {RunFiles.Metrics}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command SummarizeCommand(TextWriter output, TextWriter error)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Summarize the architecture of this model file (model.json beside it).", HelpName = "file" };
        var arch = new Option<string>("--arch")
        {
            Description = $"Architecture to summarize: {string.Join(", ", ModelFactory.Names)}.",
            DefaultValueFactory = _ => LeNet.ArchitectureName,
        };
        arch.AcceptOnlyFromAmong([.. ModelFactory.Names]);
        var inputSize = new Option<string?>("--input-size")
        {
            Description = "Input size C,H,W of one sample. Default: the architecture's (1,28,28).",
            HelpName = "C,H,W",
        };
        inputSize.Validators.Add(r =>
        {
            if (TryGet<string?>(r, out var s) && s is not null && ParseSize(s) is null)
            {
                r.AddError($"--input-size {s}: expected three positive integers C,H,W such as 1,28,28");
            }
        });
        var verbose = VerboseOption();
        var command = new Command("summarize", "Print the layer table of a model (torchsummary style): output shapes, parameters, multiply-accumulates, sizes.")
        {
            model, arch, inputSize, verbose,
        };
        command.SetAction(parse => Guard(error, parse.GetValue(verbose), () =>
        {
            TorchRuntime.EnsureLoaded();
            var name = parse.GetValue(arch)!;
            TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> m;
            if (parse.GetValue(model) is { } file)
            {
                (m, var meta) = ModelStore.Load(file);
                name = meta.Architecture;
            }
            else
            {
                m = ModelFactory.Create(name);
            }

            using (m)
            {
                var size = parse.GetValue(inputSize) is { } s ? ParseSize(s)! : ModelFactory.InputShape(name);
                ModelSummary summary;
                try
                {
                    summary = ModelSummary.Compute(m, size);
                }
                catch (Exception e) when (e is ExternalException or ArgumentException)
                {
                    throw new ArgumentException(
                        $"--input-size {string.Join(',', size)}: the {name} architecture cannot take this input ({e.Message.Split('\n')[0].Trim()}); it expects {string.Join(',', ModelFactory.InputShape(name))}", e);
                }

                output.Write(summary.ToText());
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static long[]? ParseSize(string s)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            return null;
        }

        var size = new long[3];
        for (var i = 0; i < 3; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out size[i]) || size[i] < 1)
            {
                return null;
            }
        }

        return size;
    }

    /// <summary>Runs a verb, turning known failures into one line on standard error and an exit code.</summary>
    private static int Guard(TextWriter error, bool verbose, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (ExitCodeFor(e) is { } code)
        {
            error.WriteLine($"error: {(verbose ? e.ToString() : e.Message)}");
            return code;
        }
    }

    private static int? ExitCodeFor(Exception e) => e switch
    {
        DataFormatException or ModelFileException or InvalidDataException => ExitCodes.BadInput,
        TorchLoadException => ExitCodes.RuntimeUnavailable,
        ArgumentException => ExitCodes.InvalidArguments,
        IOException or UnauthorizedAccessException => ExitCodes.OutputError,
        _ => null,
    };
}
