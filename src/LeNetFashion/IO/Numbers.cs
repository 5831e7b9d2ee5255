using System.Globalization;
using System.Text;

namespace LeNetFashion.IO;

/// <summary>Number text for files and the console: invariant culture, never scientific notation.</summary>
public static class Numbers
{
    /// <summary>
    /// The shortest text that round-trips <paramref name="value"/> (.NET's "R"), written as a plain decimal:
    /// 1E-06 becomes <c>0.000001</c> and 9.549150281252633E-05 becomes <c>0.00009549150281252633</c>, so a column of a
    /// CSV file or a console line never mixes notations. Parsing the text with the invariant culture gives back the same
    /// double bit for bit. NaN and the infinities keep their invariant names (NaN, Infinity, -Infinity).
    /// </summary>
    /// <param name="value">Any double.</param>
    /// <returns>The plain decimal text.</returns>
    public static string Plain(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        if (e < 0 || !double.IsFinite(value))
        {
            return r;
        }

        var exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = r[..e];
        var negative = mantissa.StartsWith('-');
        if (negative)
        {
            mantissa = mantissa[1..];
        }

        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent; // digits before the decimal point
        var text = new StringBuilder(digits.Length + Math.Abs(exponent) + 3);
        if (negative)
        {
            text.Append('-');
        }

        if (point <= 0)
        {
            text.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            text.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            text.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }

        return text.ToString();
    }
}
