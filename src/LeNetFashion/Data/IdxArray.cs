namespace LeNetFashion.Data;

/// <summary>
/// The content of an IDX file of unsigned bytes (element type 0x08): its dimensions and its elements in
/// row-major order. Format: http://yann.lecun.com/exdb/mnist/ ("THE IDX FILE FORMAT").
/// </summary>
/// <param name="Shape">Dimension sizes as stored in the header, e.g. <c>[60000, 28, 28]</c> for images.</param>
/// <param name="Data">Elements, row-major; length is the product of <paramref name="Shape"/>.</param>
public sealed record IdxArray(int[] Shape, byte[] Data)
{
    /// <summary>Number of items along the first dimension (images or labels).</summary>
    public int Count => Shape.Length == 0 ? 0 : Shape[0];

    /// <summary>
    /// SHA-256 of the whole decompressed file (header and elements), 64 lowercase hex digits, as
    /// <c>gzip -dc file | sha256sum</c> prints it; empty when the array was not read from a file.
    /// </summary>
    public string Sha256 { get; init; } = "";
}
