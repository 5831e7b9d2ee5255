using System.Diagnostics;
using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Cli;

/// <summary>
/// A closed standard output gets one line that says so and exit code 5, not .NET's "Access to the path is denied."; a
/// closed standard error or a full disk never ends in a crash.
/// </summary>
public sealed class StandardStreamsTests
{
    [Theory]
    [InlineData("--version >&-")]
    [InlineData("train --epochs 1 >&-")]
    [InlineData("--version 1</dev/null")]
    public async Task A_closed_or_read_only_standard_output_is_named(string redirection)
    {
        var (exitCode, stderr) = await RunShell(redirection);
        Assert.Equal(ExitCodes.OutputError, exitCode);
        Assert.Equal("error: standard output is closed or not writable; send it to a file or to /dev/null instead (for example >/dev/null)\n", stderr);
    }

    [Theory]
    [InlineData("bogus 2>&-", ExitCodes.InvalidArguments, "")]
    [InlineData("eval --model missing.dat 2>&-", ExitCodes.BadInput, "")]
    [InlineData("--version >/dev/full", ExitCodes.OutputError, "error: cannot write to standard output (")]
    [InlineData("train --help >/dev/full", ExitCodes.OutputError, "error: cannot write to standard output (")]
    public async Task A_closed_standard_error_or_a_full_disk_gives_the_exit_code_without_a_crash(string redirection, int code, string errorStart)
    {
        // The reason in parentheses is the system's text for ENOSPC ("No space left on device" in English).
        var (exitCode, stderr) = await RunShell(redirection);
        Assert.Equal(code, exitCode);
        Assert.StartsWith(errorStart, stderr);
        Assert.Equal(errorStart.Length == 0 ? 0 : 1, stderr.Count(c => c == '\n'));
        Assert.DoesNotContain("   at ", stderr);
    }

    /// <summary>Runs the built app host through /bin/sh with <paramref name="commandLine"/> (arguments and redirections).</summary>
    private static async Task<(int ExitCode, string Stderr)> RunShell(string commandLine)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("descriptor redirection is the shell's");
        }

        var exe = AppHost.Find();
        if (exe is null)
        {
            Assert.Skip("src/LeNetFashion.Cli/bin/<Configuration>/net10.0/lenet-fashion is not built");
        }

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec \"$0\" {commandLine}");
        start.ArgumentList.Add(exe);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, stderr);
    }
}
