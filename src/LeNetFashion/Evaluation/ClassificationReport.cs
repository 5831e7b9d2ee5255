using System.Globalization;
using System.Text;

namespace LeNetFashion.Evaluation;

/// <summary>
/// Per-class precision, recall, F1 and support with macro and weighted averages, as scikit-learn's
/// <c>classification_report</c> computes them (macro = unweighted mean over classes; weighted = mean
/// weighted by support).
/// </summary>
public sealed class ClassificationReport
{
    private ClassificationReport(IReadOnlyList<ClassMetrics> classes, ClassMetrics macro, ClassMetrics weighted, double accuracy, long total)
    {
        Classes = classes;
        MacroAverage = macro;
        WeightedAverage = weighted;
        Accuracy = accuracy;
        Total = total;
    }

    /// <summary>One entry per class, in label order.</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>Unweighted mean of the per-class values.</summary>
    public ClassMetrics MacroAverage { get; }

    /// <summary>Support-weighted mean of the per-class values.</summary>
    public ClassMetrics WeightedAverage { get; }

    /// <summary>Overall accuracy in [0, 1].</summary>
    public double Accuracy { get; }

    /// <summary>Total number of samples.</summary>
    public long Total { get; }

    /// <summary>Computes the report from a confusion matrix.</summary>
    public static ClassificationReport FromConfusionMatrix(ConfusionMatrix m)
    {
        var classes = new List<ClassMetrics>(m.ClassCount);
        for (var k = 0; k < m.ClassCount; k++)
        {
            double tp = m[k, k];
            double predicted = m.ColumnTotal(k);
            var support = m.RowTotal(k);
            var precision = predicted == 0 ? 0 : tp / predicted;
            var recall = support == 0 ? 0 : tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            classes.Add(new ClassMetrics(m.ClassNames[k], precision, recall, f1, support));
        }

        var total = m.Total;
        var macro = new ClassMetrics(
            "macro avg",
            classes.Average(c => c.Precision),
            classes.Average(c => c.Recall),
            classes.Average(c => c.F1),
            total);
        double W(Func<ClassMetrics, double> f) => total == 0 ? 0 : classes.Sum(c => f(c) * c.Support) / total;
        var weighted = new ClassMetrics("weighted avg", W(c => c.Precision), W(c => c.Recall), W(c => c.F1), total);
        return new ClassificationReport(classes, macro, weighted, m.Accuracy, total);
    }

    /// <summary>Formats the report like scikit-learn's text report (4 decimals, invariant culture).</summary>
    public string ToText()
    {
        var ci = CultureInfo.InvariantCulture;
        var width = Math.Max(12, Classes.Max(c => c.Name.Length));
        var sb = new StringBuilder();
        sb.Append(' ', width).AppendLine("  precision    recall  f1-score   support");
        sb.AppendLine();
        foreach (var c in Classes)
        {
            Row(c);
        }

        sb.AppendLine();
        sb.Append("accuracy".PadLeft(width)).Append(' ', 22)
          .Append(string.Format(ci, "{0,10:F4}{1,10}", Accuracy, Total)).AppendLine();
        Row(MacroAverage);
        Row(WeightedAverage);
        return sb.ToString();

        void Row(ClassMetrics c) =>
            sb.Append(c.Name.PadLeft(width))
              .Append(string.Format(ci, "{0,11:F4}{1,10:F4}{2,10:F4}{3,10}", c.Precision, c.Recall, c.F1, c.Support))
              .AppendLine();
    }
}
