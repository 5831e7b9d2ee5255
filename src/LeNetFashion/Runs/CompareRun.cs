using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using LeNetFashion.Models;
using LeNetFashion.Reporting;
using LeNetFashion.Training;

namespace LeNetFashion.Runs;

/// <summary>What to compare.</summary>
public sealed record CompareRequest
{
    /// <summary>Run folders (each holding <c>model.json</c>), or folders of runs (their sub-folders that hold one).</summary>
    public required IReadOnlyList<string> Runs { get; init; }

    /// <summary>Folder for <c>compare.csv</c>, <c>compare.png</c> and <c>compare.html</c>; null for the folder of runs given, or <c>./compare</c> when run folders are given.</summary>
    public string? Output { get; init; }
}

/// <summary>One run as <c>compare</c> shows it.</summary>
/// <param name="Name">The run folder's path relative to the output folder (or its name).</param>
/// <param name="Folder">The run folder.</param>
/// <param name="Metadata">Its <c>model.json</c>.</param>
/// <param name="History">Its <c>history.csv</c> (empty when missing).</param>
/// <param name="Parameters">Trainable parameters of its architecture and shapes.</param>
/// <param name="SecondsPerEpoch">Mean seconds of its epochs, or null without history.</param>
/// <param name="DataMatchesPublished">Whether every data file matched the published one; null when unknown (own data, or not recorded).</param>
public sealed record ComparedRun(string Name, string Folder, ModelMetadata Metadata, IReadOnlyList<EpochRecord> History, long Parameters, double? SecondsPerEpoch, bool? DataMatchesPublished);

/// <summary>The comparison: runs sorted by validation accuracy (best first; the test accuracy is shown, never used to rank).</summary>
/// <param name="Runs">The runs, best validation accuracy first.</param>
/// <param name="DifferingOptions">The <c>options</c> keys of <c>model.json</c> whose values differ between the runs.</param>
/// <param name="Header">The table's column names.</param>
/// <param name="Rows">The table, one row per run in <paramref name="Runs"/> order.</param>
/// <param name="OutputDir">Where the files were written.</param>
/// <param name="Files">The files written.</param>
/// <param name="Skipped">One line per folder that was given or found but could not be read.</param>
public sealed record CompareRunResult(IReadOnlyList<ComparedRun> Runs, IReadOnlyList<string> DifferingOptions, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, string OutputDir, IReadOnlyList<string> Files, IReadOnlyList<string> Skipped);

/// <summary>The <c>compare</c> verb: several training runs side by side, as a table, a CSV file, an overlay of validation curves and a page.</summary>
public static class CompareRun
{
    /// <summary>File names written into the output folder.</summary>
    public const string Csv = "compare.csv", Png = "compare.png", Html = "compare.html";

    /// <summary>Compares the runs of <paramref name="request"/>.</summary>
    /// <returns>The comparison and the files written.</returns>
    /// <exception cref="UsageException">A path is neither a run folder nor a folder of runs, or fewer than one run was found.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public static CompareRunResult Execute(CompareRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var folders = new List<string>();
        foreach (var path in request.Runs)
        {
            if (File.Exists(Path.Combine(path, RunFiles.ModelJson)))
            {
                folders.Add(Path.GetFullPath(path));
            }
            else if (Directory.Exists(path))
            {
                var found = Directory.GetDirectories(path).Where(d => File.Exists(Path.Combine(d, RunFiles.ModelJson))).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    throw new UsageException($"compare {path}: holds no run (no model.json in it or in its sub-folders); expected run folders written by train, or a folder of them");
                }

                folders.AddRange(found.Select(Path.GetFullPath));
            }
            else
            {
                throw new UsageException($"compare {path}: folder not found; expected a run folder written by train, or a folder of them");
            }
        }

        folders = [.. folders.Distinct(StringComparer.Ordinal)];
        var output = Path.GetFullPath(request.Output
            ?? (request.Runs.Count == 1 && !File.Exists(Path.Combine(request.Runs[0], RunFiles.ModelJson)) ? request.Runs[0] : "compare"));
        var skipped = new List<string>();
        var runs = new List<ComparedRun>();
        foreach (var folder in folders)
        {
            try
            {
                runs.Add(Read(folder, output));
            }
            catch (Exception e) when (e is ModelFileException or InvalidDataException or IOException or UsageException)
            {
                skipped.Add($"{folder}: skipped ({IO.Messages.Printable(IO.Messages.FirstLine(e.Message))})");
            }
        }

        if (runs.Count == 0)
        {
            throw new UsageException($"compare: none of the {folders.Count} run folder(s) could be read; {string.Join("; ", skipped)}");
        }

        runs = [.. runs.OrderByDescending(r => r.Metadata.ValAccuracy ?? -1).ThenBy(r => r.Name, StringComparer.Ordinal)];
        var options = runs.Select(r => JsonSerializer.SerializeToNode(r.Metadata.Options, ModelStore.JsonOptions) as JsonObject ?? []).ToList();
        var keys = options.SelectMany(o => o.Select(kv => kv.Key)).Distinct(StringComparer.Ordinal).ToList();
        string Value(JsonObject o, string key) => o.TryGetPropertyValue(key, out var v) && v is not null ? (v is JsonValue ? v.ToString() : v.ToJsonString()) : "";
        var differing = keys.Where(k => options.Select(o => Value(o, k)).Distinct(StringComparer.Ordinal).Count() > 1).ToList();
        List<string> header = ["run", .. differing, "parameters", "best_epoch", "val_accuracy", "test_accuracy", "seconds_per_epoch", "data_published"];
        var rows = runs.Select((r, i) => (IReadOnlyList<string>)
        [
            r.Name,
            .. differing.Select(k => Value(options[i], k)),
            r.Parameters.ToString(CultureInfo.InvariantCulture),
            r.Metadata.BestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "",
            F4(r.Metadata.ValAccuracy),
            F4(r.Metadata.TestAccuracy),
            r.SecondsPerEpoch?.ToString("F1", CultureInfo.InvariantCulture) ?? "",
            r.DataMatchesPublished switch { true => "yes", false => "no", null => "unknown" },
        ]).ToList();

        Directory.CreateDirectory(output);
        IO.AtomicFile.Write(Path.Combine(output, Csv), tmp =>
        {
            using var csv = CsvWriter.ToFile(tmp, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n", WriteByteOrderMark = false });
            csv.WriteHeader([.. header]);
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell);
                }

                csv.EndRecord();
            }

            csv.Flush();
        });
        Plots.SaveComparison(Path.Combine(output, Png), [.. runs.Select(r => (r.Name, r.History))]);
        IO.AtomicFile.WriteAllBytes(Path.Combine(output, Html), Encoding.UTF8.GetBytes(Page(header, rows, runs, File.ReadAllBytes(Path.Combine(output, Png)))));
        return new CompareRunResult(runs, differing, header, rows, output, [Csv, Png, Html], skipped);
    }

    /// <summary>The table as aligned text columns (numbers right-aligned), for the console.</summary>
    public static string ToText(CompareRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var widths = result.Header.Select((h, c) => Math.Max(h.Length, result.Rows.Select(r => r[c].Length).DefaultIfEmpty(0).Max())).ToList();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            var line = new StringBuilder();
            for (var c = 0; c < cells.Count; c++)
            {
                var numeric = c > 0 && double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                line.Append(c == 0 ? "" : "  ").Append(numeric ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        Line(result.Header);
        foreach (var row in result.Rows)
        {
            Line(row);
        }

        return text.ToString();
    }

    private static ComparedRun Read(string folder, string output)
    {
        var metadata = ModelStore.LoadMetadata(Path.Combine(folder, RunFiles.Model));
        var historyPath = Path.Combine(folder, RunFiles.History);
        var history = File.Exists(historyPath) ? HistoryCsv.Read(historyPath) : [];
        var spec = ModelSpec.From(metadata.InputShape ?? ModelSpec.FashionMnist.InputShape, metadata.ClassNames);
        var parameters = Architectures.Get(metadata.Architecture).ParameterCount(spec);
        var matches = metadata.Data is { Count: > 0 } data && data.All(d => d.MatchesPublished is not null) ? data.All(d => d.MatchesPublished == true) : (bool?)null;
        var relative = Path.GetRelativePath(output, folder);
        var name = relative.StartsWith("..", StringComparison.Ordinal) ? folder : relative;
        return new ComparedRun(name, folder, metadata, history, parameters, history.Count == 0 ? null : history.Average(h => h.Seconds), matches);
    }

    private static string F4(double? value) => value?.ToString("F4", CultureInfo.InvariantCulture) ?? "";

    private static string Page(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<ComparedRun> runs, byte[] png)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Run comparison</title>\n<style>\n")
            .Append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;max-width:1280px}h1{font-size:22px}\n")
            .Append("table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #ddd;padding:4px 8px}th{background:#f3f3f3;text-align:left}\n")
            .Append("td.n{text-align:right;font-variant-numeric:tabular-nums}tr.best td{background:#eef7ee}img{max-width:100%;height:auto;border:1px solid #eee}\n")
            .Append(".note{color:#666;font-size:13px}\n</style>\n</head>\n<body>\n<h1>Run comparison</h1>\n")
            .Append("<p class=\"note\">")
            .Append(E(string.Create(CultureInfo.InvariantCulture, $"{runs.Count} run(s), sorted by validation accuracy; the test accuracy is shown, never used to rank. Option columns are the settings that differ between the runs.")))
            .Append("</p>\n<table>\n<tr>");
        foreach (var h in header)
        {
            html.Append("<th>").Append(E(h)).Append("</th>");
        }

        html.Append("</tr>\n");
        for (var r = 0; r < rows.Count; r++)
        {
            html.Append(r == 0 ? "<tr class=\"best\">" : "<tr>");
            foreach (var cell in rows[r])
            {
                var numeric = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                html.Append(numeric ? "<td class=\"n\">" : "<td>").Append(E(cell)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n<h2>Validation curves</h2>\n<figure><img alt=\"validation loss and accuracy of every run\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(png)).Append("\"></figure>\n</body>\n</html>\n");
        return html.ToString();
    }
}
