namespace LeNetFashion.Runtime;

/// <summary>TorchSharp could not load its native library; the message says why and how to fix it, in one line.</summary>
public sealed class TorchLoadException(string message, Exception? inner = null) : Exception(message, inner);
