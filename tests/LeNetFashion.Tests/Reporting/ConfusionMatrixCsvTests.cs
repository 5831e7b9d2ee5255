using System.Globalization;
using LeNetFashion.Evaluation;
using LeNetFashion.Reporting;
using Xunit;

namespace LeNetFashion.Tests.Reporting;

public sealed class ConfusionMatrixCsvTests : TestBase
{
    [Fact]
    public void Confusion_matrix_csv_has_class_names_on_both_axes_with_rows_as_true_classes()
    {
        var path = TempFile("confusion_matrix.csv");
        var m = new ConfusionMatrix(["T-shirt/top", "Ankle boot", "Say \"hi\", bag"]);
        m.Add(0, 0, 5);
        m.Add(0, 1, 2);
        m.Add(1, 2, 1000);
        m.Add(2, 0, 7);
        m.Add(2, 2, 3);

        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            ConfusionMatrixCsv.Write(path, m);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.Equal(
            "true\\predicted,T-shirt/top,Ankle boot,\"Say \"\"hi\"\", bag\"\n"
            + "T-shirt/top,5,2,0\n"
            + "Ankle boot,0,0,1000\n"
            + "\"Say \"\"hi\"\", bag\",7,0,3\n",
            File.ReadAllText(path));
    }
}
