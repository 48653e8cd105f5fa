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
/// <param name="Feature">The feature as a reader sees it (a word, <c>"word word"</c>, or a character n-gram).</param>
/// <param name="Kind">What kind of feature it is.</param>
/// <param name="Value">The feature's value in this text (after TF-IDF and normalization).</param>
/// <param name="Weight">The label's weight for the feature.</param>
/// <param name="Push">The push toward the label: value × weight minus the mean of that product over all labels.</param>
public sealed record Contribution(string Feature, FeatureKind Kind, double Value, double Weight, double Push);

/// <summary>
/// A word's total push toward a label: its own unigram plus its share of the character n-grams
/// that overlap it (an n-gram spanning two words is split evenly between them).
/// </summary>
/// <param name="Word">The word as it appears in the text.</param>
/// <param name="Push">Its total push toward the label.</param>
/// <param name="FromWord">The part from the word's own unigram.</param>
/// <param name="FromChars">The part from character n-grams that overlap it.</param>
public sealed record WordContribution(string Word, double Push, double FromWord, double FromChars);

/// <summary>Why the model gave (or did not give) one label to the text.</summary>
/// <param name="Label">The label explained.</param>
/// <param name="Probability">The model's probability for it.</param>
/// <param name="Bias">The label's bias (intercept) minus the mean bias, the push before any feature.</param>
/// <param name="Toward">The features that push most toward the label, strongest first.</param>
/// <param name="Against">The features that push most away from it, strongest first.</param>
/// <param name="Words">The text's words and their total push, in text order.</param>
public sealed record LabelExplanation(
    string Label,
    double Probability,
    double Bias,
    IReadOnlyList<Contribution> Toward,
    IReadOnlyList<Contribution> Against,
    IReadOnlyList<WordContribution> Words);

/// <summary>An explained prediction. <see cref="Labels"/> are in the model's Score order.</summary>
/// <param name="Text">The text explained.</param>
/// <param name="PredictedLabel">The label the model predicts.</param>
/// <param name="Labels">One explanation per label.</param>
public sealed record Explanation(string Text, string PredictedLabel, IReadOnlyList<LabelExplanation> Labels)
{
    /// <summary>The explanation of one label; throws <see cref="ArgumentException"/> when the model has no such label.</summary>
    /// <param name="label">A label name from <see cref="Labels"/>.</param>
    public LabelExplanation For(string label) =>
        Labels.FirstOrDefault(l => l.Label == label) ?? throw new ArgumentException($"no label '{label}'", nameof(label));
}
