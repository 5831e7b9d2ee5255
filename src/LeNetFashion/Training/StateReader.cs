using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>The saved state of one <see cref="ITrainingState"/>, as <see cref="StateWriter"/> wrote it.</summary>
/// <param name="directory">The checkpoint folder.</param>
/// <param name="values">The part's JSON values.</param>
public sealed class StateReader(string directory, JsonObject values)
{
    /// <summary>Whether a value or file called <paramref name="name"/> was saved.</summary>
    public bool Has(string name) => values.ContainsKey(name) && values[name] is not null;

    /// <summary>A saved JSON value.</summary>
    /// <typeparam name="T">The type it was saved as.</typeparam>
    /// <param name="name">Its name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">Missing, or not a <typeparamref name="T"/>.</exception>
    public T Get<T>(string name)
    {
        if (!values.TryGetPropertyValue(name, out var node))
        {
            throw new InvalidDataException($"'{name}' is missing");
        }

        try
        {
            return node is null ? default! : node.Deserialize<T>(StateWriter.Json)!;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{name}' is not a {typeof(T).Name} ({e.Message})", e);
        }
    }

    /// <summary>Reads a tensor set saved with <see cref="StateWriter.SetTensors"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>Tensors by key on the CPU; the caller owns and disposes them.</returns>
    /// <exception cref="InvalidDataException">Missing or unreadable file, or NaN or infinite values.</exception>
    public Dictionary<string, Tensor> GetTensors(string name)
    {
        var path = FilePath(name);
        try
        {
            var loaded = TorchSharp.PyBridge.Safetensors.LoadStateDict(path);
            // A checkpoint is written only after an epoch with finite losses; NaN or infinite values mean damage, and
            // resuming them would end in a model of NaN weights written over a good one.
            foreach (var (key, tensor) in loaded)
            {
                if (tensor.is_floating_point() && !tensor.isfinite().all().item<bool>())
                {
                    foreach (var t in loaded.Values)
                    {
                        t.Dispose();
                    }

                    throw new InvalidDataException($"{Path.GetFileName(path)}: '{key}' holds NaN or infinite values");
                }
            }

            return loaded.ToDictionary(kv => kv.Key, kv => kv.Value.DetachFromDisposeScope());
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidDataException)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {IO.Messages.FirstLine(e.Message)}", e);
        }
    }

    /// <summary>Path of a file saved with <see cref="StateWriter.SetFile"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The full path of an existing file.</returns>
    /// <exception cref="InvalidDataException">Not recorded, or the file is missing.</exception>
    public string FilePath(string name)
    {
        var file = Get<string>(name);
        if (string.IsNullOrEmpty(file) || file != Path.GetFileName(file))
        {
            throw new InvalidDataException($"'{name}' does not name a file of the checkpoint");
        }

        var path = Path.Combine(directory, file);
        return File.Exists(path) ? path : throw new InvalidDataException($"{file} is missing");
    }
}
