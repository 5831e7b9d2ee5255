using LeNetFashion.Reporting;
using LeNetFashion.Runs;
using LeNetFashion.Tests.Reliability;
using Xunit;

namespace LeNetFashion.Tests.Reporting;

/// <summary><c>report.html</c> of a train folder and an eval folder: every section, embedded images, nothing external.</summary>
[Collection("Torch")]
public sealed class HtmlReportTests(TrainedModelFixture trained) : TestBase, IClassFixture<TrainedModelFixture>
{
    private static int Count(string s, string part) => (s.Length - s.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static void AssertSelfContained(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.All(HtmlReport.Sections, s => Assert.Contains($"\">{s}</h2>", html));
        Assert.DoesNotContain("http:", html);
        Assert.DoesNotContain("https:", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("<script", html);
        Assert.Equal(Count(html, "<img "), Count(html, "src=\"data:image/png;base64,"));
    }

    [Fact]
    public void Train_writes_a_self_contained_report_with_history_curves_counts_samples_and_the_per_class_table()
    {
        var html = File.ReadAllText(Path.Combine(trained.RunDir, "report.html"));

        AssertSelfContained(html);
        Assert.Equal(3, Count(html, "<img "));
        Assert.Contains("alt=\"curves.png\"", html);
        Assert.Contains("alt=\"confusion-matrix.png\"", html);
        Assert.Contains("alt=\"samples.png\"", html);
        Assert.Contains("<tr><th>seed</th><td>3</td></tr>", html);
        Assert.Contains("<tr><td class=\"n\">0</td>", html); // epoch 0 of the per-epoch table
        Assert.Contains("<tr><td>macro avg</td>", html);
        Assert.Contains("no misclassified.png in this folder (eval writes it)", html);
    }

    [Fact]
    public void Eval_writes_a_report_with_both_confusion_matrices_and_the_misclassified_grid()
    {
        var output = Path.Combine(TempDir, "eval");
        var r = Reliability.Cli.Run("eval", "--model", Path.Combine(trained.RunDir, "model.dat"), "--data-dir", trained.DataDir, "--output", output);
        Assert.True(r.Code == 0, r.Error);
        Assert.EndsWith("metrics.json, report.html", r.Output.Trim());

        var html = File.ReadAllText(Path.Combine(output, "report.html"));

        AssertSelfContained(html);
        Assert.Contains("alt=\"confusion-matrix.png\"", html);
        Assert.Contains("alt=\"confusion-matrix-normalized.png\"", html);
        Assert.Contains("alt=\"misclassified.png\"", html);
        Assert.Contains("no history.csv in this folder (train writes it)", html);
    }
}
