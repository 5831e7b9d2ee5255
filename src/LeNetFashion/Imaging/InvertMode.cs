namespace LeNetFashion.Imaging;

/// <summary>Whether <see cref="ImageInput"/> inverts a picture's grey levels (the <c>--invert</c> option of <c>predict</c>).</summary>
public enum InvertMode
{
    /// <summary>Invert when the picture's border is light (a dark object on a light background), see <see cref="ImageInput.BorderThreshold"/>.</summary>
    Auto,

    /// <summary>Always invert (255 − grey).</summary>
    Yes,

    /// <summary>Never invert.</summary>
    No,
}
