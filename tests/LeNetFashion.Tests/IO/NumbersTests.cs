using System.Globalization;
using LeNetFashion.IO;
using Xunit;

namespace LeNetFashion.Tests.IO;

public sealed class NumbersTests
{
    [Theory]
    [InlineData(1e-6, "0.000001")]
    [InlineData(9.549150281252633E-05, "0.00009549150281252633")]
    [InlineData(0.001, "0.001")]
    [InlineData(-2.5e-7, "-0.00000025")]
    [InlineData(1.5e20, "150000000000000000000")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Plain_writes_plain_decimals(double value, string expected) => Assert.Equal(expected, Numbers.Plain(value));

    [Fact]
    public void Plain_text_parses_back_to_the_same_bits()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = Numbers.Plain(value);
            Assert.DoesNotContain('E', text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)));
        }
    }
}
