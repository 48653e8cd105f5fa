using System.CommandLine;
using Classifier.Core;

namespace Classifier.Cli;

/// <summary>The value rules the Classifier commands share: positive and bounded counts, enum options spelled in lower case.</summary>
internal static class OptionRules
{
    /// <summary><paramref name="value"/>, or a usage error naming <paramref name="option"/> when it is not positive.</summary>
    public static int Positive(int value, string option) =>
        value > 0 ? value : throw ClassifierException.Arguments($"{option} must be positive (got {value}).");

    /// <summary>
    /// <paramref name="value"/> when positive and at most <paramref name="max"/>: beyond the bound a value only
    /// allocates memory it cannot use (--batch-size 2147483647 ran out of memory).
    /// </summary>
    public static int Bounded(int value, string option, int max) =>
        Positive(value, option) <= max ? value : throw ClassifierException.Arguments($"{option} must be at most {max:N0} (got {value:N0}).");

    /// <summary>Adds a parse-time check that the option's value is positive (exit 2 before any work).</summary>
    public static Option<int> MustBePositive(this Option<int> option)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value <= 0) result.AddError($"{option.Name} must be positive (got {value}).");
        });
        return option;
    }

    /// <summary>The lower-case command-line name of an enum value (<c>MlNet</c> is <c>mlnet</c>).</summary>
    public static string NameOf<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>
    /// A typed option over <typeparamref name="T"/>: its values are the enum's names in lower case, on the
    /// command line, in help and in completions; any other value is a one-line usage error listing them.
    /// </summary>
    public static ChoiceOption<T> Choice<T>(string name, string description, T defaultValue) where T : struct, Enum => new(name, description, defaultValue);

    /// <summary>As <see cref="Choice{T}(string, string, T)"/>, plus the name <paramref name="automatic"/> (e.g. <c>auto</c>) standing for no value: see <see cref="ChoiceOption{T}.ValueOrAutomatic"/>.</summary>
    public static ChoiceOption<T> Choice<T>(string name, string description, T defaultValue, string automatic) where T : struct, Enum => new(name, description, defaultValue, automatic);
}

/// <summary>An option whose values are the lower-case names of <typeparamref name="T"/>; see <see cref="OptionRules.Choice{T}(string, string, T)"/>.</summary>
internal sealed class ChoiceOption<T> : Option<T?> where T : struct, Enum
{
    /// <summary>The value when the option is not given.</summary>
    public T Default { get; }

    /// <summary>Creates the option; the help shows the names and the lower-case default.</summary>
    public ChoiceOption(string name, string description, T defaultValue, string? automatic = null) : base(name)
    {
        Default = defaultValue;
        _automatic = automatic;
        var byName = Enum.GetValues<T>().ToDictionary(v => OptionRules.NameOf(v), v => v, StringComparer.Ordinal);
        // The automatic name parses to the default (a null from a custom parser would be converted again); ValueOrAutomatic tells them apart.
        if (automatic is not null) byName[automatic] = defaultValue;
        // No DefaultValueFactory: help would print the enum's own casing (Csv); the default is stated here instead.
        Description = $"{description} [default: {OptionRules.NameOf(defaultValue)}]";
        // Only the lower-case names: System.CommandLine's own enum completions would add Auto beside auto.
        CompletionSources.Clear();
        CompletionSources.Add([.. byName.Keys]);
        HelpName = string.Join("|", byName.Keys);
        CustomParser = result =>
        {
            var token = result.Tokens[^1].Value;
            if (byName.TryGetValue(token, out var value)) return value;
            result.AddError($"{name}: '{token}' is not one of {string.Join(", ", byName.Keys)}.");
            return defaultValue;
        };
    }

    /// <summary>The value given, or <see cref="Default"/>.</summary>
    public T ValueIn(ParseResult parse) => parse.GetValue(this) ?? Default;

    /// <summary>The value given (null for the automatic name), or <see cref="Default"/> when the option is not given.</summary>
    public T? ValueOrAutomatic(ParseResult parse) =>
        parse.GetResult(this) is { Implicit: false, Tokens.Count: > 0 } given && given.Tokens[^1].Value == _automatic ? null : ValueIn(parse);

    private readonly string? _automatic;
}
