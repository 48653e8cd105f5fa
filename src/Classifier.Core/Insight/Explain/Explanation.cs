namespace Classifier.Core.Insight.Explain;

/// <summary>What a feature is, so it can be shown the way a reader thinks of it.</summary>
public enum FeatureKind
{
    /// <summary>A single word (word unigram).</summary>
    Word,

    /// <summary>A run of consecutive words (word n-gram, n ≥ 2), shown "word word".</summary>
    WordNgram,

    /// <summary>A character n-gram, shown with '_' for a space and '^'/'$' for the start/end of the text.</summary>
    Chars,

    /// <summary>A feature of a block this explainer does not know.</summary>
    Other,
}

/// <summary>
/// One feature's push toward a label: its value in this text times the label's weight, minus the
/// mean of that product over all labels (softmax only sees differences, so this is the push toward
/// this label rather than toward every label at once).
/// </summary>
public sealed record Contribution(string Feature, FeatureKind Kind, double Value, double Weight, double Push);

/// <summary>
/// A word's total push toward a label: its own unigram plus its share of the character n-grams
/// that overlap it (an n-gram spanning two words is split evenly between them).
/// </summary>
public sealed record WordContribution(string Word, double Push, double FromWord, double FromChars);

/// <summary>Why the model gave (or did not give) one label to the text.</summary>
public sealed record LabelExplanation(
    string Label,
    double Probability,
    double Bias,
    IReadOnlyList<Contribution> Toward,
    IReadOnlyList<Contribution> Against,
    IReadOnlyList<WordContribution> Words);

/// <summary>An explained prediction. <see cref="Labels"/> are in the model's Score order.</summary>
public sealed record Explanation(string Text, string PredictedLabel, IReadOnlyList<LabelExplanation> Labels)
{
    public LabelExplanation For(string label) =>
        Labels.FirstOrDefault(l => l.Label == label) ?? throw new ArgumentException($"no label '{label}'", nameof(label));
}
