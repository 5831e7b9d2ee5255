using System.Diagnostics;
using System.Text.Json;
using LeNetFashion.Runs;
using LeNetFashion.Runtime;
using Xunit;

namespace LeNetFashion.Tests.Runtime;

/// <summary>
/// <c>train</c> starts again with glibc's per-thread malloc cache off (<see cref="MallocTunables"/>): the value it
/// sets, the verbs it applies to, and, through the built app host, the tunables a run really had (model.json).
/// </summary>
[Collection("Torch")]
public sealed class MallocTunablesTests : TestBase
{
    [Theory]
    [InlineData(null, "glibc.malloc.tcache_count=0")]
    [InlineData("", "glibc.malloc.tcache_count=0")]
    [InlineData("glibc.malloc.mxfast=0", "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=0")]
    [InlineData("glibc.malloc.tcache_count=3", "glibc.malloc.tcache_count=3")]
    [InlineData("glibc.malloc.mxfast=0:glibc.malloc.tcache_count=7", "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=7")]
    [InlineData("glibc.malloc.tcache_count_x=1", "glibc.malloc.tcache_count_x=1:glibc.malloc.tcache_count=0")]
    public void The_tcache_is_turned_off_unless_the_variable_already_sets_it(string? current, string expected)
    {
        Assert.Equal(expected, MallocTunables.WithTcacheOff(current));
    }

    [Fact]
    public void Only_train_on_linux_is_started_again_and_not_for_its_help()
    {
        Assert.Equal(OperatingSystem.IsLinux(), MallocTunables.Wanted(["train", "--epochs", "1"]));
        Assert.False(MallocTunables.Wanted(["predict", "model.dat", "a.png"]));
        Assert.False(MallocTunables.Wanted(["eval"]));
        Assert.False(MallocTunables.Wanted(["--help"]));
        Assert.False(MallocTunables.Wanted(["train", "--help"]));
        Assert.False(MallocTunables.Wanted(["train", "-h"]));
        Assert.False(MallocTunables.Wanted([]));
    }

    [Fact]
    public void A_verb_in_a_leading_response_file_counts()
    {
        var inner = Path.Combine(TempDir, "inner.rsp");
        File.WriteAllText(inner, "# options for a run\n\n  train --epochs 1\n--seed 0\n");
        var outer = Path.Combine(TempDir, "outer.rsp");
        File.WriteAllText(outer, "@" + inner + "\n");
        var predict = Path.Combine(TempDir, "predict.rsp");
        File.WriteAllText(predict, "predict\nmodel.dat\n");
        var empty = Path.Combine(TempDir, "empty.rsp");
        File.WriteAllText(empty, "");

        Assert.Equal(OperatingSystem.IsLinux(), MallocTunables.Wanted(["@" + inner]));
        Assert.Equal(OperatingSystem.IsLinux(), MallocTunables.Wanted(["@" + outer, "--limit", "640"]));
        Assert.False(MallocTunables.Wanted(["@" + predict]));
        Assert.False(MallocTunables.Wanted(["@" + empty]));
        Assert.False(MallocTunables.Wanted(["@" + Path.Combine(TempDir, "missing.rsp")]));
        Assert.False(MallocTunables.Wanted(["@" + inner, "--help"]));
    }

    [Fact]
    public void The_restart_entry_keeps_every_given_tunable_byte_for_byte()
    {
        static byte[] B(string s) => System.Text.Encoding.Latin1.GetBytes(s);

        // None given: the setting alone.
        Assert.Equal(B("GLIBC_TUNABLES=glibc.malloc.tcache_count=0"), MallocTunables.TcacheOffEntry([B("PATH=/usr/bin")]));

        // Bytes that are not UTF-8 stay as they are; two entries are joined in order, so the later still wins.
        Assert.Equal(
            B("GLIBC_TUNABLES=glibc.malloc.arena_max=4:x=\xff\xfe:glibc.malloc.tcache_count=0"),
            MallocTunables.TcacheOffEntry([B("GLIBC_TUNABLES=glibc.malloc.arena_max=4"), B("HOME=/root"), B("GLIBC_TUNABLES=x=\xff\xfe")]));

        // A tcache setting in any entry is the user's choice: no restart.
        Assert.Null(MallocTunables.TcacheOffEntry([B("GLIBC_TUNABLES=glibc.malloc.arena_max=4"), B("GLIBC_TUNABLES=glibc.malloc.tcache_count=5")]));
    }

    [Fact]
    public void The_environment_is_edited_only_where_asked()
    {
        static byte[] B(string s) => System.Text.Encoding.Latin1.GetBytes(s);
        byte[][] environment = [B("K\xe9Y=v"), B("BAD=\xff\xfe"), B("GLIBC_TUNABLES=a"), B("BAD=second"), B("GLIBC_TUNABLES=b")];

        var edited = ProcessImage.Edit(environment, name => name == MallocTunables.Variable, [B("GLIBC_TUNABLES=c")]);

        Assert.Equal([B("K\xe9Y=v"), B("BAD=\xff\xfe"), B("BAD=second"), B("GLIBC_TUNABLES=c")], edited);
    }

    [Fact]
    public void The_process_environment_and_command_line_are_read_as_libc_and_the_kernel_hold_them()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("environ and /proc/self/cmdline are Linux's");
        }

        var path = Environment.GetEnvironmentVariable("PATH")!;
        Assert.Contains(ProcessImage.Environment(), e => ProcessImage.NameOf(e) == "PATH" && System.Text.Encoding.UTF8.GetString(ProcessImage.ValueOf(e)) == path);
        var argv = ProcessImage.CommandLine();
        var args = Environment.GetCommandLineArgs()[1..];
        Assert.NotEmpty(argv[0]);
        Assert.True(argv.Count > args.Length, $"{argv.Count} entries in /proc/self/cmdline, {args.Length} arguments");

        // The arguments are the command line's last entries (what CompatRelaunch passes on raw).
        Assert.Equal(args, argv.Skip(argv.Count - args.Length).Select(System.Text.Encoding.UTF8.GetString));
    }

    [Theory]
    [InlineData(null, "glibc.malloc.tcache_count=0")]
    [InlineData("glibc.malloc.tcache_count=3", "glibc.malloc.tcache_count=3")]
    public async Task A_train_run_records_the_tunables_it_ran_with(string? given, string recorded)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("glibc tunables are Linux's");
        }

        var exe = AppHost.Find();
        if (exe is null)
        {
            Assert.Skip("src/LeNetFashion.Cli/bin/<Configuration>/net10.0/lenet-fashion is not built");
        }

        var data = Fixtures.SeparableDataset(Path.Combine(TempDir, "data"), 64, 16);
        var run = Path.Combine(TempDir, "run");
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "train", "--data-dir", data, "--epochs", "1", "--batch-size", "16", "--seed", "1", "--threads", "1", "--no-tensorboard", "--output", run })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove(MallocTunables.Variable);
        if (given is not null)
        {
            start.Environment[MallocTunables.Variable] = given;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, stderr);
        Assert.StartsWith("Epoch 0/0", (await stdout).Split('\n').First(l => l.StartsWith("Epoch", StringComparison.Ordinal)));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFiles.ModelJson)));
        Assert.Equal(recorded, json.RootElement.GetProperty("timing").GetProperty("glibc_tunables").GetString());
    }
}
