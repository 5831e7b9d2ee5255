using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli.Commands;

/// <summary>The <c>sweep</c> verb: every configuration of a spec as its own <c>train</c> process, locally or one per array-job task.</summary>
internal sealed class SweepCommand : Command
{
    /// <summary>Environment variable naming the executable a sweep starts its runs with (default: this process's own).</summary>
    public const string ExecutableVariable = "LENET_FASHION_EXE";

    private readonly Argument<string> _spec = new("spec") { Description = "Sweep spec (JSON): \"base\" (model.json's options) and \"grid\" (lists of values) or \"random\" (count, seed, space)." };
    private readonly Option<string?> _output = CommonOptions.NonEmpty(new Option<string?>("--output", "-o") { Description = "Sweep folder: one run folder per configuration, configs/, logs/, compare.*. Default: sweeps/<spec name>.", HelpName = "dir" });
    private readonly Option<int> _jobs = CommonOptions.PositiveInt("--jobs", "Runs at a time; the CPU threads are split between them.", 1, "n");
    private readonly Option<int?> _index = new("--index") { Description = "Run only configuration i (0-based), for one task of a cluster array job: --index $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX.", HelpName = "i" };
    private readonly Option<bool> _list = new("--list") { Description = "Print the number of configurations, then one line each (index, folder, settings), and run nothing." };
    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    /// <summary>Creates the command; its action writes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public SweepCommand(TextWriter output, TextWriter error, CancellationToken cancellationToken)
        : base("sweep", "Train every configuration of a sweep spec, each as its own train run in the sweep folder: locally (--jobs N at a time; run it again to resume an interrupted sweep) or one per array-job task (--index i); ends with compare over the runs and the best configuration by validation accuracy.")
    {
        Arguments.Add(_spec);
        Options.Add(_output);
        Options.Add(_jobs);
        Options.Add(_index);
        Options.Add(_list);
        Options.Add(_verbose);
        Validators.Add(r =>
        {
            if (r.GetResult(_index) is { Implicit: false } && r.GetResult(_jobs) is { Implicit: false })
            {
                r.AddError("--jobs: runs a local sweep several at a time; with --index only that one configuration runs (give one or the other)");
            }
        });
        Action = new SweepAction(this, output, error, _verbose, cancellationToken);
    }

    private sealed class SweepAction(SweepCommand command, TextWriter output, TextWriter error, Option<bool> verbose, CancellationToken cancellationToken) : VerbAction(output, error, verbose)
    {
        protected override int Run(ParseResult parse)
        {
            var spec = parse.GetValue(command._spec)!;
            if (parse.GetValue(command._list))
            {
                var configurations = SweepSpec.Read(spec);
                Output.WriteLine(configurations.Count.ToString(CultureInfo.InvariantCulture));
                foreach (var c in configurations)
                {
                    Output.WriteLine($"{c.Index}\t{c.FolderName}\t{c.Describe()}");
                }

                return ExitCodes.Success;
            }

            TorchRuntime.EnsureLoaded();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                if (!cts.IsCancellationRequested)
                {
                    Error.WriteLine("Interrupted: the running trainings save their last epoch; run the same sweep again to continue");
                    cts.Cancel();
                }
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            // Children run as this process does: the given executable, this app host, or (an installed tool relaunched
            // under the compat runtime) the same loader command.
            var self = CompatRelaunch.SelfCommand();
            var executable = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } exe ? exe
                : self is { } s ? s[0]
                : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "lenet-fashion" ? Environment.ProcessPath!
                : Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "lenet-fashion.exe" : "lenet-fashion");
            var executableArgs = Environment.GetEnvironmentVariable(ExecutableVariable) is not { Length: > 0 } && self is { } prefix ? prefix[1..] : [];
            var request = new SweepRequest
            {
                Spec = spec,
                Output = parse.GetValue(command._output),
                Jobs = parse.GetValue(command._jobs),
                Index = parse.GetValue(command._index),
                Executable = executable,
                ExecutableArgs = executableArgs,
            };
            var result = SweepRun.Execute(request, line =>
            {
                lock (Output)
                {
                    Output.WriteLine(line);
                }
            }, cts.Token);
            var total = result.Configurations.Count;
            if (result.Comparison is { } comparison)
            {
                Output.Write(CompareRun.ToText(comparison));
                var best = comparison.Runs[0];
                var config = result.Configurations.FirstOrDefault(c => Path.Combine(result.Folder, c.FolderName) == best.Folder);
                Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Best by validation accuracy: {best.Name} ({config?.Describe()}; validation {best.Metadata.ValAccuracy:F4}, test {best.Metadata.TestAccuracy:F4})"));
                Output.WriteLine($"Wrote {result.Folder}: {string.Join(", ", comparison.Files)}");
            }
            else
            {
                Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Complete.Count} of {total} runs complete in {result.Folder}; {(result.Interrupted ? "run the same sweep again to continue" : request.Index is not null ? "when every index has run: lenet-fashion compare " + result.Folder : "run the same sweep again to retry the failed runs")}"));
            }

            foreach (var line in result.Failed)
            {
                Error.WriteLine($"error: {line}");
            }

            return result.Interrupted ? ExitCodes.Interrupted : result.Failed.Count > 0 ? ExitCodes.BadInput : ExitCodes.Success;
        }
    }
}
