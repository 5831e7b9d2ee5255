using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LeNetFashion.Imaging;

namespace LeNetFashion.Data;

/// <summary>
/// A data set of your own pictures in torchvision's <c>ImageFolder</c> layout: one sub-folder per class, named after
/// the class, holding PNG, JPEG, BMP, GIF or WebP pictures of any size (searched 8 folder levels deep). Class names are the
/// sub-folder names in ordinal order, so labels are 0 to K − 1 in that order, as <c>ImageFolder</c> gives them. The
/// folder may instead hold <c>train/</c> and <c>test/</c>, each laid out so; otherwise the test pictures come from
/// <c>--test-dir</c>. Every picture is brought to the model's input exactly as <c>predict</c> brings it
/// (<see cref="ImageInput.Load"/> with automatic inversion: grey, light-on-dark, fitted into H × W).
/// </summary>
/// <remarks>
/// Pictures are read in path order and then put into one fixed pseudo-random order (SplitMix64 from seed 0,
/// Fisher–Yates), independent of the run's seed: the batch split validates on the last batches, which must hold every
/// class, and the same folder gives the same order in every run.
/// </remarks>
public static class FolderDataset
{
    /// <summary>The data set name recorded for folder data sets (<c>--dataset folder</c>, <c>"dataset": "folder"</c>).</summary>
    public const string Name = "folder";

    /// <summary>File extensions read as pictures (case-insensitive); other files are ignored.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>Most pictures one part may hold (bounds memory: 28 × 28 bytes each after preparation).</summary>
    public const int MaxPictures = 2_000_000;

    /// <summary>Whether <paramref name="dir"/> is laid out as a folder data set: a class sub-folder with a picture, or <c>train/</c> laid out so.</summary>
    public static bool Is(string? dir)
    {
        if (string.IsNullOrWhiteSpace(dir) || !Directory.Exists(dir))
        {
            return false;
        }

        var root = Directory.Exists(Path.Combine(dir, "train")) ? Path.Combine(dir, "train") : dir;
        return ClassFolders(root).Any(c => Pictures(c).Any());
    }

    /// <summary>The folder whose class sub-folders hold a part's pictures.</summary>
    /// <param name="root">The data folder (<c>--data-dir</c>).</param>
    /// <param name="part">Train or test.</param>
    /// <param name="testDir">The test folder (<c>--test-dir</c>), or null.</param>
    /// <returns>The part's folder (full path).</returns>
    /// <exception cref="DataFormatException">No test folder: neither <c>--test-dir</c> nor <c>&lt;root&gt;/test</c>.</exception>
    public static string PartDirectory(string root, DatasetPart part, string? testDir)
    {
        var split = Directory.Exists(Path.Combine(root, "train"));
        if (part == DatasetPart.Train)
        {
            return Path.GetFullPath(split ? Path.Combine(root, "train") : root);
        }

        if (!string.IsNullOrWhiteSpace(testDir))
        {
            return Directory.Exists(testDir)
                ? Path.GetFullPath(testDir)
                : throw new DataFormatException($"--test-dir {testDir}: {(File.Exists(testDir) ? "is a file" : "folder not found")}; expected a folder with one sub-folder of pictures per class", testDir);
        }

        if (split && Directory.Exists(Path.Combine(root, "test")))
        {
            return Path.GetFullPath(Path.Combine(root, "test"));
        }

        throw new DataFormatException(
            $"--data-dir {root}: a folder of pictures, but no test pictures: give --test-dir <folder> (one sub-folder per class), or lay the data out as {Path.Combine(root, "train")} and {Path.Combine(root, "test")}", root);
    }

    /// <summary>The class names of a part's folder: its sub-folder names (hidden ones excepted), in ordinal order.</summary>
    /// <exception cref="DataFormatException">Fewer than two class folders, more than 256, a folder name with control characters, or a class folder without pictures.</exception>
    public static IReadOnlyList<string> ClassNames(string partDir)
    {
        var classes = ClassFolders(partDir).ToList();
        if (classes.Count < 2 || classes.Count > 256)
        {
            throw new DataFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{partDir}: {classes.Count} class sub-folder(s); expected 2 to 256, one per class, each holding pictures ({string.Join(", ", Extensions)})"), partDir);
        }

        if (classes.FirstOrDefault(c => Path.GetFileName(c).Any(char.IsControl)) is { } odd)
        {
            throw new DataFormatException($"{partDir}: a class folder name holds control characters ({Path.GetFileName(odd).Count(char.IsControl)} of them); rename it, since class names are printed and stored", partDir);
        }

        if (classes.FirstOrDefault(c => !Pictures(c).Any()) is { } empty)
        {
            throw new DataFormatException($"{empty}: class folder holds no pictures ({string.Join(", ", Extensions)})", empty);
        }

        return [.. classes.Select(Path.GetFileName)!];
    }

    /// <summary>Loads one part, every picture prepared to <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <param name="dataset">The folder data set (<see cref="Describe"/>); its class names fix the labels.</param>
    /// <param name="partDir">The part's folder (<see cref="PartDirectory"/>).</param>
    /// <param name="part">Train or test.</param>
    /// <param name="height">Rows of a prepared picture.</param>
    /// <param name="width">Columns of a prepared picture.</param>
    /// <param name="limit">When set, keep only the first N pictures of the fixed order.</param>
    /// <returns>Pixels <c>[N, H, W]</c> 0–255 in the fixed order, labels by class-name index; the SHA-256 of the
    /// pictures (relative paths and bytes, in path order) and of the labels (relative path → class lines).</returns>
    /// <exception cref="DataFormatException">A class folder that is not one of the data set's classes, no pictures,
    /// too many, or a picture that cannot be decoded (the line names it).</exception>
    public static ImageDataset Load(DatasetInfo dataset, string partDir, DatasetPart part, int height, int width, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var files = new List<(string Path, byte Label)>();
        foreach (var classDir in ClassFolders(partDir))
        {
            var name = Path.GetFileName(classDir);
            var label = IndexOf(dataset.ClassNames, name);
            if (label < 0)
            {
                throw new DataFormatException($"{classDir}: '{name}' is not one of the {dataset.ClassCount} classes ({string.Join(", ", dataset.ClassNames)})", classDir);
            }

            files.AddRange(Pictures(classDir).Select(f => (f, (byte)label)));
            if (files.Count > MaxPictures)
            {
                throw new DataFormatException(string.Create(CultureInfo.InvariantCulture, $"{partDir}: more than {MaxPictures:N0} pictures"), partDir);
            }
        }

        if (files.Count == 0)
        {
            throw new DataFormatException($"{partDir}: no pictures ({string.Join(", ", Extensions)}) in its class sub-folders", partDir);
        }

        var prepared = new byte[files.Count][];
        var failures = new DataFormatException?[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                prepared[i] = ImageInput.Load(files[i].Path, height, width, InvertMode.Auto).Pixels;
            }
            catch (DataFormatException e)
            {
                failures[i] = e;
            }
        });

        // The first bad picture in path order, the same one every time, as one line.
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            throw failure;
        }

        var (imagesSha, labelsSha) = Hashes(partDir, files);
        var order = FixedOrder(files.Count);
        var count = limit is { } l ? Math.Min(l, files.Count) : files.Count;
        var pixels = new byte[count * height * width];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            prepared[order[i]].CopyTo(pixels, i * height * width);
            labels[i] = files[order[i]].Label;
        }

        return new ImageDataset(pixels, labels, height, width, partDir, partDir)
        {
            Dataset = dataset,
            Part = part,
            ImagesSha256 = imagesSha,
            LabelsSha256 = labelsSha,
        };
    }

    /// <summary>The data set description of a folder data set with these classes (no published files, so no provenance notes).</summary>
    public static DatasetInfo Describe(string root, IReadOnlyList<string> classNames) => new(
        Name: Name,
        DisplayName: $"pictures in {root}",
        ClassNames: classNames,
        AllFileNames: ["train pictures", "train labels", "test pictures", "test labels"],
        PublishedSha256: new Dictionary<string, string>(),
        LocalDirectory: root,
        SystemDirectory: null,
        EnvironmentVariable: "",
        GetDataCommand: "");

    /// <summary>A permutation of <c>[0, n)</c> from seed 0 (SplitMix64, Fisher–Yates): the same for every run and platform.</summary>
    internal static int[] FixedOrder(int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        var state = 0UL;
        for (var i = n - 1; i > 0; i--)
        {
            unchecked
            {
                state += 0x9E3779B97F4A7C15UL;
                var z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                var j = (int)(z % (ulong)(i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        return order;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static IEnumerable<string> ClassFolders(string dir) =>
        Directory.EnumerateDirectories(dir).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);

    /// <summary>
    /// The pictures of a class folder and of its sub-folders, 8 levels deep at most, in ordinal path order. Links to
    /// files are read; links to folders are not followed, so a link to a folder above cannot loop or pull in the
    /// pictures of other classes under this one's label.
    /// </summary>
    private static IEnumerable<string> Pictures(string classDir) => PicturesIn(classDir, 0).Order(StringComparer.Ordinal);

    private static IEnumerable<string> PicturesIn(string dir, int depth)
    {
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = true };
        foreach (var f in Directory.EnumerateFiles(dir, "*", options))
        {
            if (Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'))
            {
                yield return f;
            }
        }

        if (depth >= 8)
        {
            yield break;
        }

        foreach (var sub in Directory.EnumerateDirectories(dir, "*", options))
        {
            if (new DirectoryInfo(sub).LinkTarget is null && !Path.GetFileName(sub).StartsWith('.'))
            {
                foreach (var f in PicturesIn(sub, depth + 1))
                {
                    yield return f;
                }
            }
        }
    }

    private static (string Images, string Labels) Hashes(string partDir, List<(string Path, byte Label)> files)
    {
        using var images = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var labels = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, label) in files)
        {
            var relative = Encoding.UTF8.GetBytes(Path.GetRelativePath(partDir, path).Replace('\\', '/'));
            images.AppendData(relative);
            images.AppendData([0]);
            images.AppendData(File.ReadAllBytes(path));
            labels.AppendData(relative);
            labels.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"\t{label}\n")));
        }

        return (Convert.ToHexStringLower(images.GetHashAndReset()), Convert.ToHexStringLower(labels.GetHashAndReset()));
    }
}
