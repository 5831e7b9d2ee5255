// Alternating rounds for the in-process comparisons of several variants (BnCnnLayout, BnCnnVariants): every variant
// once per round, in reverse order every other round, so drift in the machine's speed falls on all of them alike.
internal static class Rounds
{
    /// <summary>
    /// Runs ROUNDS rounds (environment variable, default 4) of <paramref name="measure"/> for variants
    /// <c>0 .. variants - 1</c>; ONLY=k measures variant k alone (for example under perf).
    /// </summary>
    /// <param name="variants">How many variants.</param>
    /// <param name="measure">(round, variant) → milliseconds per batch.</param>
    /// <returns>Per variant, its milliseconds per batch in each round it ran.</returns>
    public static List<double>[] Alternate(int variants, Func<int, int, double> measure)
    {
        var rounds = int.Parse(Environment.GetEnvironmentVariable("ROUNDS") ?? "4");
        var times = Enumerable.Range(0, variants).Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            var order = Enumerable.Range(0, variants).ToArray();
            if (round % 2 == 1) Array.Reverse(order);
            if (Environment.GetEnvironmentVariable("ONLY") is { } only) order = [int.Parse(only)];
            foreach (var v in order)
            {
                times[v].Add(measure(round, v));
            }
        }

        return times;
    }

    /// <summary>Prints each variant's milliseconds per batch per round and the median of its per-round ratios to variant 0.</summary>
    /// <param name="names">The variants' names; <c>names[0]</c> is the base.</param>
    /// <param name="times">From <see cref="Alternate"/>.</param>
    /// <param name="extra">Optional text appended to variant v's line.</param>
    public static void Report(string[] names, List<double>[] times, Func<int, string>? extra = null)
    {
        var width = names.Max(n => n.Length) + 2;
        for (var v = 0; v < names.Length; v++)
        {
            if (times[v].Count == 0) continue;
            var ratios = times[v].Zip(times[0], (a, b) => a / b).Order().ToArray();
            var median = ratios.Length > 0 ? ratios[ratios.Length / 2].ToString("F3") : "n/a";
            Console.WriteLine($"{names[v].PadRight(width)}ms/batch {string.Join(' ', times[v].Select(t => t.ToString("F2")))}  median ratio to {names[0]} {median}{extra?.Invoke(v)}");
        }
    }
}
