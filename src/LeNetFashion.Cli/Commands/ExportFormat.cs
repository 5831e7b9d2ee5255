namespace LeNetFashion.Cli.Commands;

/// <summary>File formats <c>export</c> writes.</summary>
internal enum ExportFormat
{
    /// <summary>safetensors with PyTorch's state-dict keys and the model's metadata (<see cref="Runs.SafetensorsFile"/>).</summary>
    Safetensors,

    /// <summary>An ONNX graph with the preprocessing inside, for ONNX Runtime, ML.NET and Windows ML (<see cref="Runs.OnnxFile"/>).</summary>
    Onnx,
}
