using LeNetFashion.Evaluation;
using Xunit;

namespace LeNetFashion.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    private static readonly string[] Names = ["a", "b", "c"];

    [Fact]
    public void A_predictor_that_always_answers_one_class_fills_only_that_column()
    {
        // Balanced fixture: 4 samples of each class, every prediction is class 2.
        long[] labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
        var predictions = Enumerable.Repeat(2L, labels.Length).ToArray();
        var m = ConfusionMatrix.FromPredictions(Names, labels, predictions);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, m[i, 0]);
            Assert.Equal(0, m[i, 1]);
            Assert.Equal(4, m[i, 2]); // row = true class, column = predicted
            Assert.Equal(4, m.RowTotal(i));
        }

        Assert.Equal(12, m.ColumnTotal(2));
        Assert.Equal(4.0 / 12, m.Accuracy);
    }

    [Fact]
    public void Precision_recall_and_f1_match_hand_computed_values()
    {
        // true\pred   a  b  c
        //    a        3  1  0
        //    b        2  2  0
        //    c        0  1  1
        var m = new ConfusionMatrix(Names);
        m.Add(0, 0, 3);
        m.Add(0, 1, 1);
        m.Add(1, 0, 2);
        m.Add(1, 1, 2);
        m.Add(2, 1, 1);
        m.Add(2, 2, 1);
        var r = ClassificationReport.FromConfusionMatrix(m);

        // a: P = 3/5, R = 3/4, F1 = 2PR/(P+R) = 2/3; b: P = 2/4, R = 2/4, F1 = 1/2; c: P = 1/1, R = 1/2, F1 = 2/3
        AssertMetrics(r.Classes[0], 3.0 / 5, 3.0 / 4, 2.0 / 3, 4);
        AssertMetrics(r.Classes[1], 2.0 / 4, 2.0 / 4, 1.0 / 2, 4);
        AssertMetrics(r.Classes[2], 1.0, 1.0 / 2, 2.0 / 3, 2);
        AssertMetrics(r.MacroAverage, (0.6 + 0.5 + 1.0) / 3, (0.75 + 0.5 + 0.5) / 3, (2.0 / 3 + 0.5 + 2.0 / 3) / 3, 10);
        AssertMetrics(r.WeightedAverage, ((0.6 * 4) + (0.5 * 4) + (1.0 * 2)) / 10, ((0.75 * 4) + (0.5 * 4) + (0.5 * 2)) / 10, ((2.0 / 3 * 4) + (0.5 * 4) + (2.0 / 3 * 2)) / 10, 10);
        Assert.Equal(0.6, r.Accuracy);
    }

    [Fact]
    public void A_class_never_predicted_has_precision_zero_as_scikit_learns_zero_division()
    {
        var m = new ConfusionMatrix(Names);
        m.Add(0, 0, 2);
        m.Add(1, 0, 1);
        m.Add(2, 2, 1);
        var r = ClassificationReport.FromConfusionMatrix(m);
        AssertMetrics(r.Classes[1], 0, 0, 0, 1);
    }

    [Fact]
    public void The_most_confused_pairs_add_both_directions_largest_first()
    {
        var m = new ConfusionMatrix(Names);
        m.Add(0, 2, 5);
        m.Add(2, 0, 4);
        m.Add(0, 1, 3);
        m.Add(1, 2, 1);
        m.Add(2, 1, 1);
        var pairs = m.MostConfusedPairs(3);
        Assert.Equal(["a <-> c: 9 (5 + 4)", "a <-> b: 3 (3 + 0)", "b <-> c: 2 (1 + 1)"], pairs.Select(p => p.ToString()));
    }

    [Fact]
    public void The_text_report_has_scikit_learns_layout_with_four_decimals()
    {
        var m = new ConfusionMatrix(Names);
        m.Add(0, 0, 3);
        m.Add(0, 1, 1);
        m.Add(1, 1, 4);
        m.Add(2, 2, 2);
        var text = ClassificationReport.FromConfusionMatrix(m).ToText();
        Assert.Equal(
            """
                          precision    recall  f1-score   support

                       a     1.0000    0.7500    0.8571         4
                       b     0.8000    1.0000    0.8889         4
                       c     1.0000    1.0000    1.0000         2

                accuracy                          0.9000        10
               macro avg     0.9333    0.9167    0.9153        10
            weighted avg     0.9200    0.9000    0.8984        10

            """.Replace("\r\n", "\n"),
            text.Replace("\r\n", "\n"));
    }

    private static void AssertMetrics(ClassMetrics c, double precision, double recall, double f1, long support)
    {
        Assert.Equal(precision, c.Precision, 12);
        Assert.Equal(recall, c.Recall, 12);
        Assert.Equal(f1, c.F1, 12);
        Assert.Equal(support, c.Support);
    }
}
