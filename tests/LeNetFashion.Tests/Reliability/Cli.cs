using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Reliability;

/// <summary>What one in-process run of the command line printed and returned.</summary>
/// <param name="Code">Exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
internal sealed record CliResult(int Code, string Output, string Error);

/// <summary>Runs <see cref="CliApp"/> in process and checks the shape of its errors.</summary>
internal static class Cli
{
    /// <summary>Runs the command line with <paramref name="args"/>, capturing both streams.</summary>
    public static CliResult Run(params string[] args) => Run(TestContext.Current.CancellationToken, args);

    /// <summary>Runs the command line with <paramref name="args"/> and a token that cancels training.</summary>
    public static CliResult Run(CancellationToken token, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, output, error, token);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Asserts the exit code and that standard error is exactly one line, <c>error: </c> followed by
    /// <paramref name="message"/>, without a stack trace.
    /// </summary>
    public static void AssertError(CliResult r, int code, string message)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}; stderr: {r.Error}");
        Assert.Equal("error: " + message, OneLine(r.Error));
    }

    /// <summary>Asserts that standard error is one line without a stack trace, and returns it.</summary>
    public static string OneLine(string error)
    {
        Assert.DoesNotContain("   at ", error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}: {error}");
        return lines[0].TrimEnd('\r');
    }
}
