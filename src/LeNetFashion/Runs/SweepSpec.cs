using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeNetFashion.Runs;

/// <summary>One configuration of a sweep: its index, the settings it changes and its whole configuration (JSON of model.json's options).</summary>
/// <param name="Index">0-based position in the sweep (the <c>--index</c> of an array job).</param>
/// <param name="Settings">The keys the sweep sets and their values, in the spec's order.</param>
/// <param name="Options">The base configuration with <paramref name="Settings"/> applied.</param>
public sealed record SweepConfiguration(int Index, IReadOnlyList<KeyValuePair<string, JsonNode?>> Settings, JsonObject Options)
{
    /// <summary>The run folder's name: <c>003-learning_rate=0.003-architecture=bn-cnn</c> (characters other than letters, digits, '.', '_', '-' and '=' become '_').</summary>
    public string FolderName
    {
        get
        {
            var name = new StringBuilder(Index.ToString("D3", CultureInfo.InvariantCulture));
            foreach (var (key, value) in Settings)
            {
                name.Append('-').Append(key).Append('=').Append(value is JsonValue v ? v.ToString() : value?.ToJsonString() ?? "null");
            }

            var safe = string.Concat(name.ToString().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '=' ? c : '_'));
            return safe.Length <= 120 ? safe : safe[..120];
        }
    }

    /// <summary>"learning_rate=0.003, architecture=bn-cnn".</summary>
    public string Describe() => string.Join(", ", Settings.Select(s => $"{s.Key}={(s.Value is JsonValue v ? v.ToString() : s.Value?.ToJsonString() ?? "null")}"));
}

/// <summary>
/// A sweep specification (JSON): a base configuration (the keys of <c>model.json</c>'s <c>options</c>, as
/// <c>train --config</c> reads them) and either a grid (every combination of the listed values, the first key varying
/// slowest) or a random sample of <c>count</c> configurations drawn with <c>seed</c> from a space whose values are lists
/// (one drawn uniformly) or <c>{"uniform": [a, b]}</c>, <c>{"log_uniform": [a, b]}</c>, <c>{"int_uniform": [a, b]}</c>.
/// <code>
/// { "base": { "epochs": 10, "architecture": "bn-cnn" },
///   "grid": { "learning_rate": [0.001, 0.003], "batch_size": [64, 128] } }
/// { "base": { "epochs": 10 }, "random": { "count": 6, "seed": 1, "space": { "learning_rate": { "log_uniform": [0.0001, 0.01] } } } }
/// </code>
/// </summary>
public static class SweepSpec
{
    /// <summary>Largest spec read, in bytes (1 MiB).</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Most configurations a spec may give.</summary>
    public const int MaxConfigurations = 10_000;

    /// <summary>Reads a spec and lists its configurations, each checked as <c>train --config</c> checks a file.</summary>
    /// <param name="path">The spec file.</param>
    /// <returns>The configurations, in index order.</returns>
    /// <exception cref="UsageException">A missing, unreadable or malformed spec, or a configuration <c>train</c> would refuse; one line naming the spec and, for a configuration, its index.</exception>
    public static IReadOnlyList<SweepConfiguration> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"sweep {path}: file not found; expected a JSON sweep spec (\"base\" and \"grid\" or \"random\")");
        }

        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"sweep {path}: over {MaxBytes:N0} bytes; a sweep spec is a small JSON file"));
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new UsageException($"sweep {path}: expected a JSON object with \"base\" and \"grid\" or \"random\"");
        }
        catch (JsonException e)
        {
            var what = e.Message.Split([" Change the reader options", " LineNumber:", " Path:"], StringSplitOptions.None)[0].TrimEnd('.', ' ');
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"sweep {path}: not valid JSON at line {(e.LineNumber ?? 0) + 1}: {what}"), e);
        }

        if (root.Select(kv => kv.Key).FirstOrDefault(k => k is not ("base" or "grid" or "random")) is { } unknown)
        {
            throw new UsageException($"sweep {path}: unknown key '{unknown}'; expected \"base\" and \"grid\" or \"random\"");
        }

        var baseOptions = root["base"] as JsonObject ?? (root["base"] is null ? [] : throw new UsageException($"sweep {path}: \"base\" must be an object of model.json's options"));
        List<List<KeyValuePair<string, JsonNode?>>> settings;
        if (root["grid"] is JsonObject grid && root["random"] is null)
        {
            settings = [[]];
            foreach (var (key, values) in grid)
            {
                if (values is not JsonArray { Count: > 0 } list)
                {
                    throw new UsageException($"sweep {path}: grid \"{key}\" must be a non-empty list of values");
                }

                settings = [.. settings.SelectMany(s => list.Select(v => new List<KeyValuePair<string, JsonNode?>>([.. s, KeyValuePair.Create(key, v?.DeepClone())])))];
                if (settings.Count > MaxConfigurations)
                {
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"sweep {path}: the grid gives more than {MaxConfigurations:N0} configurations"));
                }
            }
        }
        else if (root["random"] is JsonObject random && root["grid"] is null)
        {
            settings = Sample(path, random);
        }
        else
        {
            throw new UsageException($"sweep {path}: expected exactly one of \"grid\" (lists of values) or \"random\" (count, seed, space)");
        }

        var configurations = new List<SweepConfiguration>();
        foreach (var (s, i) in settings.Select((s, i) => (s, i)))
        {
            var options = (JsonObject)baseOptions.DeepClone();
            foreach (var (key, value) in s)
            {
                options[key] = value?.DeepClone();
            }

            var configuration = new SweepConfiguration(i, s, options);
            Check(path, configuration);
            configurations.Add(configuration);
        }

        return configurations;
    }

    /// <summary>Checks a configuration as <c>train --config</c> would (keys, types, values).</summary>
    private static void Check(string path, SweepConfiguration configuration)
    {
        const string Source = "configuration";
        try
        {
            RunConfig.Parse(configuration.Options.ToJsonString(), Source, null).Validate();
        }
        catch (UsageException e)
        {
            // The line number of the generated configuration means nothing to the user; the key path names the setting.
            var message = System.Text.RegularExpressions.Regex.Replace(e.Message, $"^{Source}: (line \\d+, )?", "");
            throw new UsageException($"sweep {path}: configuration {configuration.Index} ({configuration.Describe()}; base and settings together): {message}", e);
        }
    }

    private static List<List<KeyValuePair<string, JsonNode?>>> Sample(string path, JsonObject random)
    {
        var count = random["count"] is JsonValue c && c.TryGetValue<int>(out var n) && n is >= 1 and <= MaxConfigurations ? n
            : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"sweep {path}: random \"count\" must be a whole number from 1 to {MaxConfigurations:N0}"));
        var seed = random["seed"] is JsonValue s && s.TryGetValue<int>(out var v) ? v : 0;
        var space = random["space"] as JsonObject ?? throw new UsageException($"sweep {path}: random \"space\" must be an object of settings and their values");
        var rng = new Random(seed);
        var result = new List<List<KeyValuePair<string, JsonNode?>>>();
        for (var i = 0; i < count; i++)
        {
            var one = new List<KeyValuePair<string, JsonNode?>>();
            foreach (var (key, values) in space)
            {
                one.Add(KeyValuePair.Create(key, Draw(path, key, values, rng)));
            }

            result.Add(one);
        }

        return result;
    }

    private static JsonNode? Draw(string path, string key, JsonNode? values, Random rng)
    {
        if (values is JsonArray { Count: > 0 } list)
        {
            return list[rng.Next(list.Count)]?.DeepClone();
        }

        if (values is JsonObject { Count: 1 } range && range.First() is var (kind, bounds)
            && bounds is JsonArray { Count: 2 } b && b[0] is JsonValue lo && b[1] is JsonValue hi
            && lo.TryGetValue<double>(out var a) && hi.TryGetValue<double>(out var z) && a <= z)
        {
            switch (kind)
            {
                case "uniform":
                    return JsonValue.Create(a + (rng.NextDouble() * (z - a)));
                case "log_uniform" when a > 0:
                    return JsonValue.Create(Math.Exp(Math.Log(a) + (rng.NextDouble() * (Math.Log(z) - Math.Log(a)))));
                case "int_uniform":
                    return JsonValue.Create((long)Math.Floor(a + (rng.NextDouble() * (Math.Floor(z) - a + 1))));
            }
        }

        throw new UsageException($"sweep {path}: random space \"{key}\" must be a non-empty list, or {{\"uniform\"|\"log_uniform\"|\"int_uniform\": [low, high]}} (log_uniform with low > 0)");
    }
}
