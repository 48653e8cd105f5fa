namespace Classifier.Core.Scoring;

/// <summary>
/// Receives every scored text of a <see cref="CorpusScorer"/> run (each sentence with --sentences),
/// on the reading thread and in input order, whatever the number of scoring threads.
/// </summary>
internal interface IScoredUnitSink
{
    /// <summary>Called once before the first row, with the input's name and columns; may refuse them with a <see cref="ClassifierException"/>.</summary>
    void Begin(string sourceName, IReadOnlyList<string> columns);

    /// <summary>One scored text of <paramref name="row"/>: the model's predicted label index and probabilities (label order).</summary>
    void Add(SourceRow row, int predicted, ReadOnlySpan<float> probabilities);
}
