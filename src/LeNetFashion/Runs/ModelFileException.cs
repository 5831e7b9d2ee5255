namespace LeNetFashion.Runs;

/// <summary>A model file could not be used: missing, damaged, not a model, or of another architecture. One-line message.</summary>
public sealed class ModelFileException(string message, Exception? inner = null) : Exception(message, inner);
