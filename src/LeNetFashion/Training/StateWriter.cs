using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace LeNetFashion.Training;

/// <summary>
/// Collects one <see cref="ITrainingState"/>'s state for a checkpoint: JSON values (snake_case, doubles written so that
/// they read back bit for bit, infinities and NaN as strings), tensor dictionaries (one safetensors file each, exact
/// bytes) and opaque files written by a library (the optimizer's <c>save_state_dict</c>).
/// </summary>
public sealed class StateWriter
{
    /// <summary>JSON settings of state values: snake_case, named floating-point literals allowed.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly string _directory;
    private readonly string _key;

    /// <summary>Creates a writer whose files go into <paramref name="directory"/>, named after <paramref name="key"/>.</summary>
    /// <param name="directory">The checkpoint's staging folder.</param>
    /// <param name="key">The part's <see cref="ITrainingState.StateKey"/>.</param>
    public StateWriter(string directory, string key)
    {
        _directory = directory;
        _key = key;
    }

    /// <summary>The values set so far, with the names of the files written (key <c>files</c>).</summary>
    public JsonObject Values { get; } = [];

    /// <summary>Sets a JSON value.</summary>
    /// <typeparam name="T">Any type System.Text.Json serialises.</typeparam>
    /// <param name="name">Name of the value (snake_case).</param>
    /// <param name="value">The value.</param>
    public void Set<T>(string name, T value) => Values[name] = JsonSerializer.SerializeToNode(value, Json);

    /// <summary>Writes tensors as one safetensors file, <c>&lt;key&gt;.&lt;name&gt;.safetensors</c>, bytes unchanged.</summary>
    /// <param name="name">Name of the tensor set, e.g. <c>model</c>.</param>
    /// <param name="tensors">Tensors by state-dict key (any device; copied to the CPU to write).</param>
    public void SetTensors(string name, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var file = $"{_key}.{name}.safetensors";
        using var scope = NewDisposeScope();
        var cpu = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        TorchSharp.PyBridge.Safetensors.SaveStateDict(Path.Combine(_directory, file), cpu);
        Values[name] = file;
    }

    /// <summary>Lets <paramref name="write"/> write a file of its own format, <c>&lt;key&gt;.&lt;name&gt;.dat</c>.</summary>
    /// <param name="name">Name of the file's content, e.g. <c>state</c>.</param>
    /// <param name="write">Writes the file at the path it is given.</param>
    public void SetFile(string name, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var file = $"{_key}.{name}.dat";
        write(Path.Combine(_directory, file));
        Values[name] = file;
    }
}
