namespace LeNetFashion.Reporting;

/// <summary>
/// One line of a <see cref="ModelSummary"/>: one call of a leaf module (a module without children) during the
/// summary's forward pass, in call order.
/// </summary>
/// <param name="Name">torchsummary's row key, <c>Type-Index</c> with a 1-based call index, e.g. <c>Conv2d-1</c>.</param>
/// <param name="Type">The layer's PyTorch class name, e.g. <c>Conv2d</c>, <c>Sigmoid</c>, <c>MaxPool2d</c>, <c>Linear</c>.</param>
/// <param name="OutputShape">The output tensor's shape with the batch dimension replaced by <c>-1</c>, e.g. <c>[-1, 6, 24, 24]</c>.</param>
/// <param name="Parameters">Number of scalar parameters the module owns itself (weights and biases; children excluded), a count of elements.</param>
/// <param name="Trainable">Whether any of the module's own parameters requires a gradient; <see langword="false"/> for parameter-less layers.</param>
/// <param name="MultAdds">
/// Multiply-accumulate operations per image, as torchinfo counts them (bias additions excluded):
/// convolution = output elements per image × in_channels / groups × kernel elements; linear = output elements per image × in_features;
/// every other layer 0.
/// </param>
public sealed record SummaryRow(string Name, string Type, long[] OutputShape, long Parameters, bool Trainable, long MultAdds);
