using System.Globalization;
using LeNetFashion.Reporting;
using LeNetFashion.Training;
using Xunit;

namespace LeNetFashion.Tests.Reporting;

public sealed class HistoryCsvTests : TestBase
{
    private static readonly EpochRecord[] s_history =
    [
        new(0, 0.1 + 0.2, 1e-17, Math.PI, 2.0 / 3.0, 12.345678901234567, 0.001),
        new(1, double.Epsilon, 0.9999999999999999, 1.7976931348623157e308, 0.5, 0.0, 1e-3 / 3),
        new(2, 0.30000000000000004, 0.87654321, 123456789.123456789, 5e-324, 60.5, 0.0001),
    ];

    [Fact]
    public void History_csv_reads_back_the_same_values()
    {
        var path = TempFile("history.csv");

        HistoryCsv.Write(path, s_history);
        var back = HistoryCsv.Read(path);

        Assert.Equal(s_history.Length, back.Count);
        for (var i = 0; i < s_history.Length; i++)
        {
            Assert.Equal(s_history[i], back[i]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(s_history[i].TrainLoss), BitConverter.DoubleToInt64Bits(back[i].TrainLoss));
            Assert.Equal(BitConverter.DoubleToInt64Bits(s_history[i].TrainAcc), BitConverter.DoubleToInt64Bits(back[i].TrainAcc));
            Assert.Equal(BitConverter.DoubleToInt64Bits(s_history[i].ValLoss), BitConverter.DoubleToInt64Bits(back[i].ValLoss));
            Assert.Equal(BitConverter.DoubleToInt64Bits(s_history[i].ValAcc), BitConverter.DoubleToInt64Bits(back[i].ValAcc));
            Assert.Equal(BitConverter.DoubleToInt64Bits(s_history[i].Seconds), BitConverter.DoubleToInt64Bits(back[i].Seconds));
            Assert.Equal(BitConverter.DoubleToInt64Bits(s_history[i].LearningRate), BitConverter.DoubleToInt64Bits(back[i].LearningRate));
        }
    }

    [Fact]
    public void History_csv_starts_with_the_exact_header_and_has_one_row_per_epoch()
    {
        var path = TempFile("history.csv");

        HistoryCsv.Write(path, s_history);
        var lines = File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate", lines[0]);
        Assert.Equal(1 + s_history.Length, lines.Length);
        Assert.Equal("0,0.30000000000000004,0.00000000000000001,3.141592653589793,0.6666666666666666,12.345678901234567,0.001", lines[1]);
        Assert.DoesNotContain(lines, line => line.Contains('E', StringComparison.Ordinal));
    }

    [Fact]
    public void History_csv_uses_dot_decimals_even_when_the_current_culture_uses_commas()
    {
        var path = TempFile("history.csv");
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            HistoryCsv.Write(path, s_history);
            var back = HistoryCsv.Read(path);
            Assert.Equal(s_history, back);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal("0,0.30000000000000004,0.00000000000000001,3.141592653589793,0.6666666666666666,12.345678901234567,0.001", lines[1]);
        Assert.DoesNotContain(lines, line => line.Contains('E', StringComparison.Ordinal));
        Assert.Equal(HistoryCsv.Read(path), s_history);
    }

    [Fact]
    public void History_csv_with_no_epochs_is_just_the_header()
    {
        var path = TempFile("history.csv");

        HistoryCsv.Write(path, []);

        Assert.Equal("epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate\n", File.ReadAllText(path));
        Assert.Empty(HistoryCsv.Read(path));
    }

    [Fact]
    public void Reading_a_history_csv_with_a_bad_number_names_the_file_and_the_column()
    {
        var path = TempFile("history.csv");
        File.WriteAllText(path, "epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate\n0,0.5,0.8,0.6,0.7,12,0.001\n1,abc,0.8,0.6,0.7,12,0.001\n");

        var e = Assert.Throws<InvalidDataException>(() => HistoryCsv.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("train_loss", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Reading_a_history_csv_with_a_comma_decimal_is_rejected()
    {
        var path = TempFile("history.csv");
        File.WriteAllText(path, "epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate\n0,\"0,5\",0.8,0.6,0.7,12,0.001\n");

        var e = Assert.Throws<InvalidDataException>(() => HistoryCsv.Read(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Reading_a_history_csv_with_a_missing_field_names_the_file()
    {
        var path = TempFile("history.csv");
        File.WriteAllText(path, "epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate\n0,0.5,0.8,0.6,0.7,12\n");

        var e = Assert.Throws<InvalidDataException>(() => HistoryCsv.Read(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Reading_a_csv_with_other_columns_names_the_file_and_the_expected_header()
    {
        var path = TempFile("history.csv");
        File.WriteAllText(path, "epoch,loss\n0,0.5\n");

        var e = Assert.Throws<InvalidDataException>(() => HistoryCsv.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate", e.Message);
    }
}
