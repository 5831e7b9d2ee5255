namespace LeNetFashion.Evaluation;

/// <summary>Precision, recall, F1 and support of one class (or an average).</summary>
/// <param name="Name">Class name, or "macro avg" / "weighted avg".</param>
/// <param name="Precision">TP / (TP + FP); 0 when the class was never predicted (scikit-learn's zero_division=0).</param>
/// <param name="Recall">TP / (TP + FN); 0 when the class has no sample.</param>
/// <param name="F1">2 · P · R / (P + R); 0 when P + R = 0.</param>
/// <param name="Support">Number of samples of the class (row total).</param>
public sealed record ClassMetrics(string Name, double Precision, double Recall, double F1, long Support);
