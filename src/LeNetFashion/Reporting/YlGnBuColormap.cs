namespace LeNetFashion.Reporting;

/// <summary>
/// The ColorBrewer "YlGnBu" sequential colormap (light yellow → green → dark blue), matplotlib's <c>YlGnBu</c>:
/// the nine ColorBrewer anchor colours linearly interpolated. ScottPlot 5 has no built-in YlGnBu.
/// </summary>
internal static class YlGnBuColormap
{
    /// <summary>The nine ColorBrewer YlGnBu colours, lightest first (colorbrewer2.org, 9-class YlGnBu).</summary>
    private static readonly string[] s_anchors =
        ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"];

    /// <summary>A new colormap instance: 0 → lightest, 1 → darkest.</summary>
    public static ScottPlot.IColormap Create() =>
        new ScottPlot.Colormaps.CustomInterpolated(s_anchors.Select(ScottPlot.Color.FromHex).ToArray());
}
