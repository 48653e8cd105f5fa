namespace Classifier.Core.Insight.Suggest;

/// <summary>
/// A row worth labeling. <see cref="Row"/> is its 1-based data row in the corpus; Margin is the
/// gap between the two most probable labels (small = the model is torn).
/// </summary>
internal sealed record Suggestion(long Row, string Text, string Source, IReadOnlyList<float> Probabilities, double Margin, string Predicted);

/// <summary>What a suggestion run read and chose; Labels name the probabilities in order.</summary>
internal sealed record SuggestionResult(
    IReadOnlyList<string> Labels,
    IReadOnlyList<Suggestion> Chosen,
    long RowsRead,
    long EmptyText,
    long Duplicates,
    long AlreadyLabeled);
