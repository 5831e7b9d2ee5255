using System.Globalization;
using CsvHelper;
using LeNetFashion.Evaluation;

namespace LeNetFashion.Reporting;

/// <summary>
/// Writes a <see cref="ConfusionMatrix"/> as CSV: the header row is <c>true\predicted</c> followed by the class
/// names (predicted classes), then one row per true class: its name followed by the counts, so the cell at row
/// <c>i</c>, column <c>j</c> holds <c>m[i, j]</c> (true <c>i</c> predicted as <c>j</c>, scikit-learn's layout).
/// Names with separators or quotes are quoted by RFC 4180 rules. Lines end with LF; UTF-8 without a byte order mark.
/// </summary>
public static class ConfusionMatrixCsv
{
    /// <summary>Text of the header row's first cell.</summary>
    public const string CornerLabel = "true\\predicted";

    /// <summary>Writes <paramref name="matrix"/> to <paramref name="path"/> atomically (see <see cref="IO.AtomicFile"/>).</summary>
    /// <param name="path">Destination file, e.g. <c>confusion_matrix.csv</c>; its folder is created if missing.</param>
    /// <param name="matrix">The counts, rows = true class, columns = predicted class.</param>
    /// <exception cref="IOException">Writing or renaming the file failed.</exception>
    public static void Write(string path, ConfusionMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(matrix);
        var options = new CsvWriterOptions
        {
            FormatProvider = CultureInfo.InvariantCulture,
            NewLine = "\n",
            WriteByteOrderMark = false,
        };
        var k = matrix.ClassCount;
        IO.AtomicFile.Write(path, tmp =>
        {
            using var csv = CsvWriter.ToFile(tmp, options);
            var header = new string[k + 1];
            header[0] = CornerLabel;
            for (var j = 0; j < k; j++)
            {
                header[j + 1] = matrix.ClassNames[j];
            }

            csv.WriteHeader(header);
            for (var i = 0; i < k; i++)
            {
                csv.WriteField(matrix.ClassNames[i]);
                for (var j = 0; j < k; j++)
                {
                    csv.WriteField(matrix[i, j], "D", CultureInfo.InvariantCulture);
                }

                csv.EndRecord();
            }

            csv.Flush();
        });
    }
}
