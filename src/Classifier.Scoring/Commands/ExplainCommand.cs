using System.CommandLine;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.Scoring;

namespace Classifier.Scoring.Commands;

/// <summary>
/// <c>classifier-score explain --text T ...</c>: the prediction table, then per label the words and n-grams
/// that pushed each text toward it (the same output as the root command's <c>--text T --explain</c>).
/// </summary>
internal sealed class ExplainCommand : Command
{
    /// <summary>Largest accepted --top.</summary>
    public const int MaxTop = 10_000;

    private readonly Option<string> _model = new("--model") { Description = "The model zip to explain (linear models only).", DefaultValueFactory = _ => new ScoringJobOptions().ModelPath };
    private readonly Option<string[]> _text = new("--text") { Description = "A text to score and explain (repeatable).", Required = true };
    private readonly Option<int> _top = new("--top", "--explain-top") { Description = "Entries shown per label.", DefaultValueFactory = _ => 8 };
    private readonly Option<float?> _minConfidence = new("--min-confidence") { Description = "Below this confidence (0-1) the label is 'uncertain'; probabilities are still shown." };
    private readonly ChoiceOption<ScoringEngine> _engine = OptionRules.Choice("--engine", "What runs the model for the table: auto (ML.NET for a few texts), compiled or mlnet.", ScoringEngine.Auto);

    /// <summary>The subcommand, printing to <paramref name="context"/>'s standard output.</summary>
    public ExplainCommand(CommandContext context)
        : base("explain", "Score a few texts and show, per label, the words and n-grams that pushed each text toward it (linear models only).")
    {
        _top.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value <= 0) result.AddError($"--top must be positive (got {value}).");
            else if (value > MaxTop) result.AddError($"--top must be at most {MaxTop:N0} (got {value:N0}).");
        });
        foreach (var option in new Option[] { _model, _text, _top, _minConfidence, _engine }) Options.Add(option);
        SetAction(parse => CommandShell.Guard(context.Stderr, () =>
        {
            TextScoring.Run(parse.GetValue(_model)!, parse.GetValue(_text) ?? [], _engine.ValueIn(parse), parse.GetValue(_minConfidence), parse.GetValue(_top), context.Stdout);
            return ExitCodes.Success;
        }, "cannot write the output"));
    }
}
