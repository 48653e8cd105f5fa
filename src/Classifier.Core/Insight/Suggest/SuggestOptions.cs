namespace Classifier.Core.Insight.Suggest;

/// <summary>How to choose the rows worth labeling next. Immutable: derive variants with <c>with</c>.</summary>
internal sealed record SuggestOptions
{
    /// <summary>How many rows to suggest.</summary>
    public int Count { get; init; } = 50;

    public string TextColumn { get; init; } = "text";

    /// <summary>Copied into the output's source column when the corpus has it; else the corpus file name is used.</summary>
    public string SourceColumn { get; init; } = "source";

    /// <summary>
    /// The corpus is cut into this many equal runs of rows and the picks are taken from each in turn,
    /// so a long corpus is not represented by one chapter of near-identical hard sentences.
    /// </summary>
    public int Buckets { get; init; } = 10;

    /// <summary>Rows scored per model call.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Near-duplicate keys (<see cref="Data.TextKey"/>) of texts already labeled: never suggested again.</summary>
    public IReadOnlySet<string> AlreadyLabeled { get; init; } = new HashSet<string>();
}
