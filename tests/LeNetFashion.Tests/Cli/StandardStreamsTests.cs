using System.Diagnostics;
using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Cli;

/// <summary>A closed standard output gets one line that says so and exit code 5, not .NET's "Access to the path is denied.".</summary>
public sealed class StandardStreamsTests
{
    [Theory]
    [InlineData("--version >&-")]
    [InlineData("train --epochs 1 >&-")]
    [InlineData("--version 1</dev/null")]
    public async Task A_closed_or_read_only_standard_output_is_named(string redirection)
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

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec \"$0\" {redirection}");
        start.ArgumentList.Add(exe);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.OutputError, process.ExitCode);
        Assert.Equal("error: standard output is closed or not writable; send it to a file or to /dev/null instead (for example >/dev/null)\n", stderr);
    }
}
