namespace Classifier.Core.Scoring;

/// <summary>
/// Receives every scored text of a <see cref="CorpusScorer"/> run (each sentence with --sentences),
/// on the reading thread and in input order, whatever the number of scoring threads.
/// </summary>
internal interface IScoredUnitSink
{
    /// <summary>Called once before the first row, with the input's name and columns; may refuse them with a <see cref="ClassifierException"/>.</summary>
    void Begin(string sourceName, IReadOnlyList<string> columns);

    /// <summary>
    /// One scored text of <paramref name="row"/>: which of the row's texts it is (<paramref name="unit"/>: the
    /// sentence's 1-based index with --sentences, else 0), the model's predicted label index and probabilities (label order).
    /// </summary>
    void Add(SourceRow row, int unit, int predicted, ReadOnlySpan<float> probabilities);
}
