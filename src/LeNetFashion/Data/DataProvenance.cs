namespace LeNetFashion.Data;

/// <summary>
/// Where one data file of a run came from, for <c>model.json</c> and <c>metrics.json</c>: plain strings and a
/// nullable boolean, so System.Text.Json writes and reads it without options. Made by
/// <see cref="DatasetVerifier.Provenance"/>.
/// </summary>
/// <param name="Dataset">Data set name, e.g. <c>fashion-mnist</c> (<see cref="DatasetInfo.Name"/>).</param>
/// <param name="StandardName">The file's standard base name, e.g. <c>train-images-idx3-ubyte</c>.</param>
/// <param name="FileName">The name of the file actually read, e.g. <c>train-images.idx3-ubyte.gz</c>.</param>
/// <param name="FullPath">Absolute path of that file.</param>
/// <param name="Sha256">SHA-256 of the decompressed content, 64 lowercase hex digits.</param>
/// <param name="MatchesPublished">
/// Whether <paramref name="Sha256"/> equals the published file's (<see cref="DatasetInfo.PublishedSha256"/>);
/// <c>null</c> when no published value is known for that file.
/// </param>
public sealed record DataProvenance(
    string Dataset,
    string StandardName,
    string FileName,
    string FullPath,
    string Sha256,
    bool? MatchesPublished);
