using System.CommandLine;

namespace LeNetFashion.Cli;

/// <summary>
/// An option whose values are the lower-case names of <typeparamref name="T"/>'s members (<c>auto|cpu|cuda</c>),
/// validated, completed and shown in help as such, default included (System.CommandLine would print an enum default
/// as <c>Auto</c>). Read it with <see cref="Value"/>.
/// </summary>
/// <typeparam name="T">The enum.</typeparam>
internal sealed class EnumOption<T> : Option<T?>
    where T : struct, Enum
{
    private readonly T _default;

    /// <summary>Creates the option.</summary>
    /// <param name="name">Option name, e.g. <c>--device</c>.</param>
    /// <param name="description">Help text; the default is appended.</param>
    /// <param name="defaultValue">Value when the option is not given.</param>
    public EnumOption(string name, string description, T defaultValue)
        : base(name)
    {
        _default = defaultValue;
        var names = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        Description = $"{description} [default: {defaultValue.ToString().ToLowerInvariant()}]";
        HelpName = string.Join('|', names);
        CustomParser = r => CommonOptions.Choice(r, name, names) is { } value ? Enum.Parse<T>(value, ignoreCase: true) : null;
        CompletionSources.Add(names);
    }

    /// <summary>The parsed value, or the default when the option was not given.</summary>
    public T Value(ParseResult parse) => parse.GetValue(this) ?? _default;
}
