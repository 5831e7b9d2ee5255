// Writes a folder data set of real pictures: the capital letters A–Z (or the first --classes of them) drawn in every
// DejaVu font of this machine, at random sizes, positions, rotations, stroke colours and backgrounds, on canvases of
// 28 × 28 up to 120 × 96 pixels, saved as PNG, JPEG, BMP and WebP in turn. Layout: <dir>/train/<letter>/*.png|jpg|bmp|webp
// and <dir>/test/<letter>/…, torchvision's ImageFolder layout, which `train --data-dir <dir>` reads.
// Deterministic for a given --seed. Usage: dotnet run --project scripts/make-pictures -- <dir> [--classes 26]
// [--per-class 300] [--test-per-class 60] [--seed 1]
using System.Globalization;
using SkiaSharp;

if (args.Length < 1 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: make-pictures <dir> [--classes 26] [--per-class 300] [--test-per-class 60] [--seed 1]");
    return 2;
}

var dir = args[0];
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

var classes = Math.Clamp(Option("--classes", 26), 2, 26);
var perClass = Option("--per-class", 300);
var testPerClass = Option("--test-per-class", 60);
var random = new Random(Option("--seed", 1));
var fonts = Directory.Exists("/usr/share/fonts/truetype/dejavu")
    ? Directory.GetFiles("/usr/share/fonts/truetype/dejavu", "*.ttf").Order(StringComparer.Ordinal).Select(SKTypeface.FromFile).Where(t => t is not null).ToArray()
    : [];
if (fonts.Length == 0)
{
    fonts = [SKTypeface.Default];
}

string[] formats = ["png", "jpg", "bmp", "webp"];
var written = 0;
foreach (var (part, count) in new[] { ("train", perClass), ("test", testPerClass) })
{
    for (var c = 0; c < classes; c++)
    {
        var letter = ((char)('A' + c)).ToString();
        var classDir = Path.Combine(dir, part, letter);
        Directory.CreateDirectory(classDir);
        for (var i = 0; i < count; i++)
        {
            var format = formats[(i + c) % formats.Length];
            var (w, h) = random.Next(3) == 0 ? (28, 28) : (random.Next(28, 121), random.Next(28, 97));
            var darkOnLight = random.Next(2) == 0;
            var paper = (byte)(darkOnLight ? random.Next(190, 256) : random.Next(0, 60));
            var ink = (byte)(darkOnLight ? random.Next(0, 90) : random.Next(170, 256));
            using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
            var canvas = surface.Canvas;
            canvas.Clear(new SKColor(paper, paper, (byte)Math.Clamp(paper + random.Next(-20, 21), 0, 255)));
            using var font = new SKFont(fonts[random.Next(fonts.Length)], Math.Min(w, h) * (float)(0.55 + (random.NextDouble() * 0.35)));
            using var paint = new SKPaint { Color = new SKColor(ink, ink, ink), IsAntialias = true };
            var bounds = font.MeasureText(letter, out var rect, paint);
            canvas.Translate((w / 2f) + (float)((random.NextDouble() - 0.5) * w * 0.15), (h / 2f) + (float)((random.NextDouble() - 0.5) * h * 0.15));
            canvas.RotateDegrees((float)((random.NextDouble() - 0.5) * 24));
            canvas.DrawText(letter, -rect.MidX, -rect.MidY, font, paint);
            using var image = surface.Snapshot();
            using var data = format switch
            {
                "jpg" => image.Encode(SKEncodedImageFormat.Jpeg, 85),
                "webp" => image.Encode(SKEncodedImageFormat.Webp, 90),
                "bmp" => EncodeBmp(image),
                _ => image.Encode(SKEncodedImageFormat.Png, 100),
            };
            File.WriteAllBytes(Path.Combine(classDir, string.Create(CultureInfo.InvariantCulture, $"{letter}-{i:D4}.{format}")), data.ToArray());
            written++;
        }
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {written:N0} pictures of {classes} letters into {Path.GetFullPath(dir)} (train/ and test/)"));
return 0;

// SkiaSharp has no BMP encoder: a 24-bit bottom-up BMP written by hand.
static SKData EncodeBmp(SKImage image)
{
    using var bitmap = SKBitmap.FromImage(image);
    var (w, h) = (bitmap.Width, bitmap.Height);
    var row = ((w * 3) + 3) / 4 * 4;
    var bytes = new byte[54 + (row * h)];
    void Int(int at, int v) => BitConverter.GetBytes(v).CopyTo(bytes, at);
    bytes[0] = (byte)'B';
    bytes[1] = (byte)'M';
    Int(2, bytes.Length);
    Int(10, 54);
    Int(14, 40);
    Int(18, w);
    Int(22, h);
    bytes[26] = 1;
    bytes[28] = 24;
    Int(34, row * h);
    for (var y = 0; y < h; y++)
    {
        for (var x = 0; x < w; x++)
        {
            var p = bitmap.GetPixel(x, h - 1 - y);
            var at = 54 + (y * row) + (x * 3);
            (bytes[at], bytes[at + 1], bytes[at + 2]) = (p.Blue, p.Green, p.Red);
        }
    }

    return SKData.CreateCopy(bytes);
}
