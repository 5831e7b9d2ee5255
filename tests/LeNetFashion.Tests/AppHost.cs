namespace LeNetFashion.Tests;

/// <summary>The built <c>lenet-fashion</c> app host, for tests that run the tool as a separate process.</summary>
internal static class AppHost
{
    /// <summary>
    /// <c>src/LeNetFashion.Cli/bin/&lt;Configuration&gt;/net10.0/lenet-fashion</c> of this test run's configuration
    /// (<c>lenet-fashion.exe</c> on Windows), or null when it is not built.
    /// </summary>
    public static string? Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = dir.Parent?.Name ?? "Debug"; // tests/LeNetFashion.Tests/bin/<Configuration>/net10.0/
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LeNetFashion.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            return null;
        }

        var exe = Path.Combine(dir.FullName, "src", "LeNetFashion.Cli", "bin", configuration, "net10.0", OperatingSystem.IsWindows() ? "lenet-fashion.exe" : "lenet-fashion");
        return File.Exists(exe) ? exe : null;
    }
}
