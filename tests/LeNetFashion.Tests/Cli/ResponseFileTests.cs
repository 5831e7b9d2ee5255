using LeNetFashion.Cli;
using Xunit;
using CliRunner = LeNetFashion.Tests.Reliability.Cli;

namespace LeNetFashion.Tests.Cli;

public sealed class ResponseFileTests : TestBase
{
    [Fact]
    public void An_output_path_starting_with_at_that_names_no_file_gets_one_line_saying_how_to_pass_it()
    {
        var name = "@exp-" + Guid.NewGuid().ToString("N")[..8]; // relative, so it does not exist in the current folder

        var r = CliRunner.Run("train", "--output", name);

        CliRunner.AssertError(r, ExitCodes.InvalidArguments,
            $"--output {name}: a leading '@' names a response file (a file of further arguments), and there is no file {name[1..]}; to pass a path that starts with '@', write ./{name}");
    }

    [Fact]
    public void A_response_file_with_crlf_line_endings_is_read_without_the_carriage_returns()
    {
        var help = TempFile("help.rsp");
        File.WriteAllText(help, "train\r\n--help\r\n");
        var bad = TempFile("bad.rsp");
        File.WriteAllText(bad, "train\r\n--epochs\r\n0\r\n");

        var shown = CliRunner.Run("@" + help);
        var refused = CliRunner.Run("@" + bad);

        Assert.True(shown.Code == 0, shown.Error);
        Assert.Contains("--epochs <n>", shown.Output);
        Assert.Equal(ExitCodes.InvalidArguments, refused.Code);
        Assert.Equal("error: --epochs 0: expected an integer of at least 1", CliRunner.OneLine(refused.Error));
    }

    [Fact]
    public void An_argument_starting_with_at_that_names_a_file_is_no_error()
    {
        var file = TempFile("args.rsp");
        File.WriteAllText(file, "train\n");

        Assert.Null(ResponseFiles.MissingFileError(["@" + file]));
        Assert.Null(ResponseFiles.MissingFileError(["train", "--output", "./@exp1", "@"]));
        Assert.Equal(
            "@nope-ab12: a leading '@' names a response file (a file of further arguments), and there is no file nope-ab12; to pass a path that starts with '@', write ./@nope-ab12",
            ResponseFiles.MissingFileError(["@nope-ab12"]));
    }

    [Fact]
    public void A_device_an_oversized_file_or_a_response_file_naming_itself_is_refused_before_it_is_read()
    {
        var big = TempFile("big.rsp");
        File.WriteAllBytes(big, new byte[ResponseFiles.MaxBytes + 1]);
        var self = TempFile("self.rsp");
        File.WriteAllText(self, $"predict\n@{self}\n");

        CliRunner.AssertError(CliRunner.Run("predict", "@/dev/zero"), ExitCodes.InvalidArguments,
            "@/dev/zero: not a regular file (it states no length but has content, e.g. a device); a response file must be a text file of at most 1,048,576 bytes");
        CliRunner.AssertError(CliRunner.Run("predict", "@" + big), ExitCodes.InvalidArguments,
            $"@{big}: 1,048,577 bytes; a response file (a file of further arguments) is read only up to 1,048,576 bytes");
        CliRunner.AssertError(CliRunner.Run("@" + self), ExitCodes.InvalidArguments,
            $"@{self}: response files nested more than 8 deep (a file that names itself?)");
    }
}
