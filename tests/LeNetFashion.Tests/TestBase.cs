using System.Globalization;

namespace LeNetFashion.Tests;

/// <summary>
/// Base for tests (after dotnet/machinelearning's BaseTestClass): pins the culture to one with a comma
/// decimal separator, so any culture-dependent formatting in written files shows up, and gives each test
/// its own empty folder, deleted afterwards.
/// </summary>
public abstract class TestBase : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    protected TestBase()
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
        TempDir = Path.Combine(Path.GetTempPath(), "lenet-tests", GetType().Name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(TempDir);
    }

    /// <summary>This test's own folder.</summary>
    protected string TempDir { get; }

    /// <summary>A path in <see cref="TempDir"/>.</summary>
    protected string TempFile(string name) => Path.Combine(TempDir, name);

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }
}
