using System.Globalization;
using CsvHelper;
using LeNetFashion.Training;

namespace LeNetFashion.Reporting;

/// <summary>
/// Reads and writes <c>history.csv</c>: one row per epoch with the columns
/// <c>epoch,train_loss,train_acc,val_loss,val_acc,seconds,learning_rate</c> (the names of the PyTorch tutorial's
/// history dictionary). Numbers use the invariant culture ('.' decimals) whatever the current culture, and doubles are
/// written as the shortest text that round-trips, as plain decimals (never 1E-06; see <see cref="IO.Numbers.Plain"/>), so <see cref="Read"/> gives back bitwise the same values.
/// Lines end with LF, the file is UTF-8 without a byte order mark.
/// </summary>
public static class HistoryCsv
{
    /// <summary>The header row's column names, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "seconds", "learning_rate"];

    /// <summary>Writes <paramref name="history"/> to <paramref name="path"/> atomically (see <see cref="IO.AtomicFile"/>).</summary>
    /// <param name="path">Destination file, usually <c>history.csv</c> in the run folder; its folder is created if missing.</param>
    /// <param name="history">The epochs in order.</param>
    /// <exception cref="IOException">Writing or renaming the file failed.</exception>
    public static void Write(string path, IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(history);
        var options = new CsvWriterOptions
        {
            FormatProvider = CultureInfo.InvariantCulture,
            NewLine = "\n",
            WriteByteOrderMark = false,
        };
        IO.AtomicFile.Write(path, tmp =>
        {
            using var csv = CsvWriter.ToFile(tmp, options);
            csv.WriteHeader([.. Columns]);
            foreach (var r in history)
            {
                csv.WriteField(r.Epoch, "D", CultureInfo.InvariantCulture);
                WriteDouble(csv, r.TrainLoss);
                WriteDouble(csv, r.TrainAcc);
                WriteDouble(csv, r.ValLoss);
                WriteDouble(csv, r.ValAcc);
                WriteDouble(csv, r.Seconds);
                WriteDouble(csv, r.LearningRate);
                csv.EndRecord();
            }

            csv.Flush();
        });
    }

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    /// <param name="path">The <c>history.csv</c> to read.</param>
    /// <returns>The epochs in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The header is not exactly <see cref="Columns"/>, a row has the wrong number of fields, or a field is not a number;
    /// the message names the file, the line and the column.
    /// </exception>
    public static IReadOnlyList<EpochRecord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            FormatProvider = CultureInfo.InvariantCulture,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            MissingField = CsvMissingFieldHandling.Throw,
            TrackLineNumbers = true,
        };
        var records = new List<EpochRecord>();
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            var headers = csv.Headers;
            if (!headers.SequenceEqual(Columns, StringComparer.Ordinal))
            {
                throw new InvalidDataException(
                    $"{path}: line 1: header is '{string.Join(",", headers)}' but expected '{string.Join(",", Columns)}'; "
                    + "the file is not a history.csv written by LeNetFashion");
            }

            while (csv.Read())
            {
                if (csv.FieldCount != Columns.Count)
                {
                    throw new InvalidDataException(
                        $"{path}: line {csv.LineNumber}: {csv.FieldCount} fields but expected {Columns.Count} ({string.Join(",", Columns)})");
                }

                records.Add(new EpochRecord(
                    ParseInt(csv, path, 0),
                    ParseDouble(csv, path, 1),
                    ParseDouble(csv, path, 2),
                    ParseDouble(csv, path, 3),
                    ParseDouble(csv, path, 4),
                    ParseDouble(csv, path, 5),
                    ParseDouble(csv, path, 6)));
            }
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"{path}: malformed CSV: {e.Message}", e);
        }

        return records;
    }

    private static void WriteDouble(CsvWriter csv, double value) =>
        csv.WriteField(IO.Numbers.Plain(value));

    private static int ParseInt(CsvReader csv, string path, int index)
    {
        var text = csv.GetString(index);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw BadField(csv, path, index, text, "an integer");
        }

        return value;
    }

    private static double ParseDouble(CsvReader csv, string path, int index)
    {
        var text = csv.GetString(index);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw BadField(csv, path, index, text, "a number with '.' decimals");
        }

        return value;
    }

    private static InvalidDataException BadField(CsvReader csv, string path, int index, string text, string expected) =>
        new($"{path}: line {csv.LineNumber}, column '{Columns[index]}': '{text}' is not {expected}");
}
