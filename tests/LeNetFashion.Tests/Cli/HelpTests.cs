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
    public void Help_text_matches_the_approved_copy(string verb)
    {
        var output = new StringWriter();
        var code = CliApp.Run([verb, "--help"], output, new StringWriter(), TestContext.Current.CancellationToken);
        Assert.Equal(0, code);
        var approvedPath = Path.Combine(AppContext.BaseDirectory, "Approved", $"help-{verb}.approved.txt");
        var actual = Normalize(output.ToString());
        if (!File.Exists(approvedPath))
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, $"help-{verb}.received.txt"), actual);
            Assert.Fail($"no approved help text {approvedPath}; the received text was written beside it");
        }

        Assert.Equal(Normalize(File.ReadAllText(approvedPath)), actual);
    }

    private static string Normalize(string s) =>
        s.Replace("\r\n", "\n").Replace("  LeNetFashion.Tests ", "  lenet-fashion ").Replace($"({Environment.ProcessorCount} here)", "(N here)");
}
