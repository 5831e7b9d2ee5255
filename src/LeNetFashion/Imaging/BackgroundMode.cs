namespace LeNetFashion.Imaging;

/// <summary>What <see cref="ImageInput"/> composites a picture's transparent pixels onto (the <c>--background</c> option of <c>predict</c>).</summary>
public enum BackgroundMode
{
    /// <summary>White for dark ink (dark content covering at most <see cref="ImageInput.InkCoverage"/> of the canvas), else black.</summary>
    Auto,

    /// <summary>Black: the object keeps its own grey levels on Fashion-MNIST's background.</summary>
    Black,

    /// <summary>White: as if the picture were printed on paper (a dark object then is usually inverted by <c>--invert auto</c>).</summary>
    White,
}
