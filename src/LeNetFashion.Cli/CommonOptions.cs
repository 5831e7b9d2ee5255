using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LeNetFashion.Data;
using LeNetFashion.Runtime;

namespace LeNetFashion.Cli;

/// <summary>Options shared by several verbs, and the builders every option of the tool is made with.</summary>
internal static class CommonOptions
{
    /// <summary><c>--data-dir</c>: the data folder.</summary>
    public static Option<string?> DataDir() => NonEmpty(new Option<string?>("--data-dir")
    {
        Description = $"Folder with the four IDX files of the data set (gzip or raw), or of your own pictures in one sub-folder per class. Default for Fashion-MNIST: ${Datasets.FashionMnist.EnvironmentVariable}, then ./{Datasets.FashionMnist.LocalDirectory.Replace('\\', '/')}, then {Datasets.FashionMnist.SystemDirectory} (relative paths are from the current folder).",
        HelpName = "dir",
    });

    /// <summary><c>--device auto|cpu|cuda</c>.</summary>
    public static EnumOption<ComputeDevice> Device() => new("--device", "auto (CUDA when available, else CPU), cpu or cuda.", ComputeDevice.Auto);

    /// <summary><c>--verbose</c>: stack traces of errors.</summary>
    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "Show stack traces of errors.",
    };

    /// <summary>An option whose values are the given names (a registry's keys).</summary>
    public static Option<string> OneOf(string name, string description, IReadOnlyList<string> names, string defaultValue)
    {
        var o = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = string.Join('|', names),
            CustomParser = r => Choice(r, name, names) ?? defaultValue,
        };
        o.CompletionSources.Add([.. names]);
        return o;
    }

    /// <summary>An option that takes one of <paramref name="names"/> and is null when not given (its default depends on other options).</summary>
    public static Option<string?> OptionalOneOf(string name, string description, IReadOnlyList<string> names)
    {
        var o = new Option<string?>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            CustomParser = r => Choice(r, name, names),
        };
        o.CompletionSources.Add([.. names]);
        return o;
    }

    /// <summary><c>--tta</c> of eval and predict: a test-time augmentation that replaces the model's own; null when not given.</summary>
    public static Option<string?> TestTimeAugmentationOverride()
    {
        var names = Models.TestTimeAugmentation.Names;
        var o = new Option<string?>("--tta")
        {
            Description = "Test-time augmentation instead of the model's own (train --tta, stored in model.json; the default): none (one view), flip (the picture and its mirror image) or flip-shift (both at their place and shifted one pixel up, down, left and right: 10 views); the views' probabilities are averaged.",
            HelpName = string.Join('|', names),
            CustomParser = r => Choice(r, "--tta", names),
        };
        o.CompletionSources.Add([.. names]);
        return o;
    }

    /// <summary>
    /// The value of a choice option when it is one of <paramref name="names"/>; otherwise null and one error line
    /// naming the option, the value and the choices (System.CommandLine's own message spans several lines and does not
    /// name the option).
    /// </summary>
    public static string? Choice(System.CommandLine.Parsing.ArgumentResult result, string name, IReadOnlyList<string> names)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (names.Contains(value, StringComparer.Ordinal))
        {
            return value;
        }

        result.AddError($"{name} {value}: expected one of {string.Join(", ", names)}");
        return null;
    }

    /// <summary>Refuses an empty or blank value (e.g. <c>--output ""</c>) with one line naming the option.</summary>
    public static Option<T> NonEmpty<T>(Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[^1].Value))
            {
                r.AddError($"{option.Name}: empty value; expected a path");
            }
        });
        return option;
    }

    /// <summary>An integer of at least 1 with a default.</summary>
    public static Option<int> PositiveInt(string name, string description, int defaultValue, string helpName)
    {
        var o = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName };
        o.Validators.Add(r =>
        {
            if (TryGet<int>(r, out var v) && v < 1)
            {
                r.AddError($"{name} {v}: expected an integer of at least 1");
            }
        });
        return o;
    }

    /// <summary>An optional integer of at least 1 and, when <paramref name="max"/> is set, at most <paramref name="max"/>.</summary>
    /// <param name="name">Option name.</param>
    /// <param name="description">Help text.</param>
    /// <param name="helpName">Placeholder in the help text.</param>
    /// <param name="max">The largest value allowed, or null for no limit.</param>
    /// <param name="maxReason">Appended to the message when a limit applies, e.g. " (this machine has 2 logical cores)".</param>
    public static Option<int?> OptionalPositiveInt(string name, string description, string helpName, int? max = null, string? maxReason = null)
    {
        var o = new Option<int?>(name) { Description = description, HelpName = helpName };
        o.Validators.Add(r =>
        {
            if (TryGet<int?>(r, out var v) && v is < 1)
            {
                r.AddError(max is null ? $"{name} {v}: expected an integer of at least 1" : $"{name} {v}: expected an integer from 1 to {max}{maxReason}");
            }
            else if (v > max)
            {
                r.AddError($"{name} {v}: expected an integer from 1 to {max}{maxReason}");
            }
        });
        return o;
    }

    /// <summary>
    /// A number with '.' decimals whatever the current culture, checked by <paramref name="isValid"/>. System.CommandLine's
    /// own parser uses the current culture, where (in German, for example) "0.001" reads as 1 and "0.8" as 8: a
    /// silently wrong learning rate.
    /// </summary>
    /// <param name="name">Option name.</param>
    /// <param name="description">Help text.</param>
    /// <param name="defaultValue">Default value, or null when the description states it (read with <see cref="IsGiven"/>).</param>
    /// <param name="helpName">Placeholder in the help text.</param>
    /// <param name="example">A valid value, quoted in messages.</param>
    /// <param name="isValid">Whether a parsed value is allowed.</param>
    /// <param name="expected">What is allowed, for the message: "a positive finite number", for example.</param>
    public static Option<double> Number(string name, string description, double? defaultValue, string helpName, string example, Func<double, bool> isValid, string expected)
    {
        var o = new Option<double>(name)
        {
            Description = description,
            CustomParser = InvariantDouble(example),
            HelpName = helpName,
        };
        if (defaultValue is { } d)
        {
            o.DefaultValueFactory = _ => d;
        }

        o.Validators.Add(r =>
        {
            if (TryGet<double>(r, out var v) && !isValid(v))
            {
                r.AddError($"{name} {v.ToString(CultureInfo.InvariantCulture)}: expected {expected} such as {example}");
            }
        });
        return o;
    }

    /// <summary>The option's value, or false when it did not parse (System.CommandLine reports that error itself).</summary>
    public static bool TryGet<T>(OptionResult r, out T value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>Whether the option was given on the command line (not just defaulted).</summary>
    public static bool IsGiven(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static Func<ArgumentResult, double> InvariantDouble(string example) => r =>
    {
        var token = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(" ", r.Tokens.Select(t => t.Value));
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        var option = (r.Parent as OptionResult)?.Option.Name;
        r.AddError($"{option} {token}: expected a number with '.' as the decimal separator, such as {example}");
        return 0;
    };
}
