using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using LeNetFashion.Training;

namespace LeNetFashion.Cli.Commands;

/// <summary>
/// Runs <c>train</c>: Ctrl+C (SIGINT) and SIGTERM stop after the current batch and save what is complete; a second
/// signal ends the process at once. Prints the best epoch, the test accuracy, the most confused pair and the files written.
/// </summary>
internal sealed class TrainAction(TrainCommand command, TextWriter output, TextWriter error, Option<bool> verbose, CancellationToken externalToken)
    : VerbAction(output, error, verbose)
{
    /// <inheritdoc />
    protected override int Run(ParseResult parse)
    {
        var request = command.ToRequest(parse);
        TorchRuntime.EnsureLoaded();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(externalToken);
        var interactive = ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;
        var reporter = new ConsoleReporter(Output, interactive);
        var signal = 0;

        var firstSignal = DateTime.MinValue;
        var sweepChild = Environment.GetEnvironmentVariable(SweepRun.ChildVariable) == "1";
        void OnSignal(PosixSignalContext context)
        {
            if (cts.IsCancellationRequested)
            {
                // A run started by sweep gets Ctrl+C from the terminal and from the sweep at once: the second within a
                // second is the same interrupt, not a request to quit at once.
                if (sweepChild && DateTime.UtcNow - firstSignal < TimeSpan.FromSeconds(1))
                {
                    context.Cancel = true;
                }

                return;
            }

            firstSignal = DateTime.UtcNow;

            context.Cancel = true;
            signal = context.Signal == PosixSignal.SIGTERM ? 15 : 2;
            Error.WriteLine(reporter.TrainingComplete
                ? $"{(interactive ? "\n" : "")}Interrupted after the last epoch: finishing the run's outputs first, a few seconds (send the signal again to quit at once)"
                : $"{(interactive ? "\n" : "")}Interrupted: stopping after the current batch and saving what is complete (send the signal again to quit at once)");
            cts.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var result = TrainRun.Execute(request, reporter, cts.Token);
        var t = result.Training;
        if (result.AlreadyComplete)
        {
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.OutputDir} is complete ({(t.StoppedEarly ? "stopped early by --patience" : "every epoch ran")}; best epoch {result.BestEpoch}, validation accuracy {result.BestValAcc:F4}, test accuracy {result.TestAccuracy:F4}); nothing to do; to train longer, add a larger --epochs"));
            return ExitCodes.Success;
        }

        if (result.BestEpoch is { } best)
        {
            Output.WriteLine(result.BestValAccOneView is { } oneView
                ? string.Create(CultureInfo.InvariantCulture, $"Best epoch: {best} (validation accuracy {oneView:F4} on one view, {result.BestValAcc:F4} with --tta {result.Config.Tta}); its weights were restored")
                : string.Create(CultureInfo.InvariantCulture, $"Best epoch: {best} (validation accuracy {result.BestValAcc:F4}); its weights were restored"));
        }

        switch (t.Outcome)
        {
            case TrainingOutcome.Interrupted when t.History.Count == 0:
                Error.WriteLine($"Interrupted before the first epoch completed; nothing to resume ({result.OutputDir} holds only {RunFiles.Samples}){Kept(result)}");
                return InterruptedCode(signal);
            case TrainingOutcome.Interrupted:
                Error.WriteLine($"Interrupted after {t.History.Count} completed epoch(s); saved in {result.OutputDir} (checkpoint, history, best model); continue with: train --resume {result.OutputDir}");
                return InterruptedCode(signal);
            case TrainingOutcome.Diverged when t.History.Count == 0:
                Error.WriteLine($"error: {t.Message}; no epoch completed, so no model, history or plots were written ({result.OutputDir} holds only {RunFiles.Samples}){Kept(result)}");
                return ExitCodes.Diverged;
            case TrainingOutcome.Diverged:
                Error.WriteLine($"error: {t.Message}; {t.History.Count} completed epoch(s) saved in {result.OutputDir}");
                return ExitCodes.Diverged;
        }

        Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {result.TestAccuracy:F4}"));
        if (result.Confusion!.MostConfusedPairs(1) is [var pair])
        {
            Output.WriteLine($"Most confused: {pair}");
        }

        Output.WriteLine($"Wrote {result.OutputDir}: {string.Join(", ", result.Files)}");
        foreach (var warning in result.Warnings)
        {
            Error.WriteLine($"warning: {warning}{Kept(result)}");
        }

        return ExitCodes.Success;
    }

    /// <summary>"; the run --overwrite replaced is kept in …": where to restore it from, when this run wrote no model.</summary>
    private static string Kept(TrainRunResult result) =>
        result.ReplacedRun is { } kept ? $"; the run --overwrite replaced is kept in {kept} (move its files back to restore it)" : "";

    /// <summary>130 after SIGINT (or a cancelled token), 143 after SIGTERM: 128 + the signal number, as shells report.</summary>
    private static int InterruptedCode(int signal) => signal == 15 ? ExitCodes.Terminated : ExitCodes.Interrupted;
}
