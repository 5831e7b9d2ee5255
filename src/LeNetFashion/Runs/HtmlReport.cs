using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeNetFashion.Evaluation;
using LeNetFashion.IO;
using LeNetFashion.Reporting;

namespace LeNetFashion.Runs;

/// <summary>
/// <c>report.html</c>: one self-contained page per run or evaluation folder, for people who do not read CSV. Every
/// image is embedded as a base64 <c>data:</c> URI and the style sheet is inline, so the page needs no other file and no
/// network access. Sections, always in this order (<see cref="Sections"/>): summary, configuration, per-epoch table,
/// curves, confusion matrices (counts and row-normalised), per-class table, sample grid, misclassified grid; a section
/// whose file the folder does not have (an eval folder has no history, a train folder no misclassified grid) says so.
/// </summary>
public static class HtmlReport
{
    /// <summary>Section headings, in page order.</summary>
    public static IReadOnlyList<string> Sections { get; } =
        ["Summary", "Configuration", "Per-epoch history", "Curves", "Confusion matrices", "Per-class metrics", "Samples", "Misclassified"];

    /// <summary>Writes the page atomically from the files already in <paramref name="folder"/> and the given results.</summary>
    /// <param name="path">Destination, normally <c>report.html</c> in <paramref name="folder"/>.</param>
    /// <param name="folder">The run or eval folder whose <c>history.csv</c> and PNG files are embedded.</param>
    /// <param name="title">Page title, e.g. "Training run" or "Evaluation: test set (10,000 images)".</param>
    /// <param name="metadata">The model's metadata (configuration: its <c>options</c>), or null.</param>
    /// <param name="report">Per-class precision/recall/F1/support and accuracy, or null.</param>
    /// <exception cref="IOException">The page cannot be written.</exception>
    /// <exception cref="InvalidDataException">The folder's <c>history.csv</c> is malformed.</exception>
    public static void Write(string path, string folder, string title, ModelMetadata? metadata, ClassificationReport? report) =>
        AtomicFile.WriteAllText(path, Render(folder, title, metadata, report));

    /// <summary>The page's HTML (see <see cref="Write"/>).</summary>
    public static string Render(string folder, string title, ModelMetadata? metadata, ClassificationReport? report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1180px;margin:0 auto;padding:16px 24px;color:#222;line-height:1.4}\n")
            .Append("h1{font-size:1.6em;margin-bottom:0}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:1.6em}\n")
            .Append(".sub{color:#666;margin-top:4px}table{border-collapse:collapse;font-size:.92em}td,th{border:1px solid #ddd;padding:3px 9px}\n")
            .Append("th{background:#f3f3f3;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
            .Append("figure{margin:8px 0}img{max-width:100%;height:auto;border:1px solid #eee}.pair{display:flex;gap:16px}.pair figure{flex:1 1 0;min-width:0}.pair img{width:100%}\n")
            .Append(".warning{color:#8a4b00;background:#fff4e5;border-left:4px solid #f0a030;padding:6px 10px}\n")
            .Append(".missing{color:#888;font-style:italic}.scroll{max-height:420px;overflow:auto;display:inline-block}\n")
            .Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(E(title)).Append("</h1>\n<p class=\"sub\">").Append(E(folder)).Append("</p>\n");
        foreach (var warning in metadata?.Warnings ?? [])
        {
            html.Append("<p class=\"warning\">Warning: ").Append(E(warning)).Append("</p>\n");
        }

        Section(html, 0);
        var facts = new List<(string, string)>();
        if (metadata is not null)
        {
            facts.Add(("Architecture", metadata.Architecture));
            facts.Add(("Epochs completed", N(metadata.EpochsCompleted)));
            if (metadata.BestEpoch is { } best)
            {
                facts.Add(("Best epoch", N(best)));
            }

            if (metadata.ValAccuracy is { } val)
            {
                facts.Add(("Validation accuracy (best epoch)", F4(val)));
            }

            if (metadata.TestAccuracy is { } test)
            {
                facts.Add(("Test accuracy", F4(test)));
            }
        }

        if (report is not null)
        {
            facts.Add(("Accuracy of this report", $"{F4(report.Accuracy)} on {N(report.Total)} images"));
        }

        KeyValues(html, facts);

        Section(html, 1);
        var config = new List<(string, string)>();
        if (metadata?.Options is { } options)
        {
            foreach (var (key, value) in JsonSerializer.SerializeToNode(options, ModelStore.JsonOptions)!.AsObject())
            {
                config.Add((key, value is null ? "null" : value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString()));
            }
        }

        if (metadata is not null)
        {
            config.Add(("class_names", string.Join(", ", metadata.ClassNames)));
            config.Add(("preprocessing", metadata.Preprocessing is { Mean: { } m, Std: { } sd } ? $"(x − {m.ToString(CultureInfo.InvariantCulture)}) / {sd.ToString(CultureInfo.InvariantCulture)}" : "pixels / 255"));
        }

        if (config.Count == 0)
        {
            Missing(html, "no training configuration (the model was not trained by this tool)");
        }
        else
        {
            KeyValues(html, config);
        }

        Section(html, 2);
        var historyPath = Path.Combine(folder, RunFiles.History);
        if (File.Exists(historyPath))
        {
            html.Append("<div class=\"scroll\"><table>\n<tr><th>epoch</th><th>train loss</th><th>train acc</th><th>val loss</th><th>val acc</th><th>seconds</th><th>learning rate</th></tr>\n");
            foreach (var r in HistoryCsv.Read(historyPath))
            {
                html.Append("<tr>").Append(Td(N(r.Epoch))).Append(Td(F4(r.TrainLoss))).Append(Td(F4(r.TrainAcc))).Append(Td(F4(r.ValLoss)))
                    .Append(Td(F4(r.ValAcc))).Append(Td(r.Seconds.ToString("F1", CultureInfo.InvariantCulture))).Append(Td(r.LearningRate.ToString("G4", CultureInfo.InvariantCulture))).Append("</tr>\n");
            }

            html.Append("</table></div>\n");
        }
        else
        {
            Missing(html, $"no {RunFiles.History} in this folder (train writes it)");
        }

        Section(html, 3);
        Images(html, folder, [RunFiles.Curves], "train writes it");
        Section(html, 4);
        Images(html, folder, [RunFiles.ConfusionPng, RunFiles.ConfusionNormalizedPng], "eval writes both");

        Section(html, 5);
        if (report is null)
        {
            Missing(html, "no per-class metrics");
        }
        else
        {
            html.Append("<table>\n<tr><th>class</th><th>precision</th><th>recall</th><th>f1-score</th><th>support</th></tr>\n");
            foreach (var c in report.Classes.Append(report.MacroAverage).Append(report.WeightedAverage))
            {
                html.Append("<tr><td>").Append(E(c.Name)).Append("</td>").Append(Td(F4(c.Precision))).Append(Td(F4(c.Recall))).Append(Td(F4(c.F1))).Append(Td(N(c.Support))).Append("</tr>\n");
            }

            html.Append("</table>\n");
        }

        Section(html, 6);
        Images(html, folder, [RunFiles.Samples], "train writes it");
        Section(html, 7);
        Images(html, folder, [RunFiles.Misclassified], "eval writes it");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, int index) =>
        html.Append("<h2 id=\"s").Append(index).Append("\">").Append(E(Sections[index])).Append("</h2>\n");

    private static void KeyValues(StringBuilder html, IReadOnlyList<(string Key, string Value)> rows)
    {
        html.Append("<table>\n");
        foreach (var (key, value) in rows)
        {
            html.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Images(StringBuilder html, string folder, IReadOnlyList<string> names, string why)
    {
        var present = names.Where(n => File.Exists(Path.Combine(folder, n))).ToList();
        if (present.Count == 0)
        {
            Missing(html, $"no {string.Join(" or ", names)} in this folder ({why})");
            return;
        }

        html.Append(present.Count > 1 ? "<div class=\"pair\">" : "<div>");
        foreach (var name in present)
        {
            html.Append("<figure><img alt=\"").Append(E(name)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, name)))).Append("\"><figcaption>").Append(E(name)).Append("</figcaption></figure>");
        }

        html.Append("</div>\n");
    }

    private static void Missing(StringBuilder html, string what) => html.Append("<p class=\"missing\">").Append(E(what)).Append("</p>\n");

    private static string Td(string value) => $"<td class=\"n\">{value}</td>";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
