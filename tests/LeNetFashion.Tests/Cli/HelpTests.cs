using LeNetFashion.Cli;
using Xunit;

namespace LeNetFashion.Tests.Cli;

/// <summary>Approval tests for user-visible help text (after dotnet/command-line-api).</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("summarize")]
    [InlineData("predict")]
    [InlineData("export")]
    [InlineData("compare")]
    [InlineData("sweep")]
    [InlineData("setup-runtime")]
    public void Help_text_matches_the_approved_copy(string verb)
    {
        var output = new StringWriter();
        var code = CliApp.Run([verb, "--help"], output, new StringWriter(), TestContext.Current.CancellationToken);
        Assert.Equal(0, code);
        var approvedPath = Path.Combine(AppContext.BaseDirectory, "Approved", $"help-{verb}.approved.txt");
        var actual = Normalize(output.ToString());
        var approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : null;
        if (approved != actual)
        {
            // The received text, for review: copy it over the approved file when the change is intended.
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, $"help-{verb}.received.txt"), actual);
        }

        Assert.Equal(approved, actual);
    }

    private static string Normalize(string s) =>
        s.Replace("\r\n", "\n").Replace("  LeNetFashion.Tests ", "  lenet-fashion ").Replace($"({Environment.ProcessorCount} here)", "(N here)");
}
