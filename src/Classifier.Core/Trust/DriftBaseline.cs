using Classifier.Core.Data;
using Classifier.Core.Features;

namespace Classifier.Core.Trust;

/// <summary>
/// What a drift check compares a corpus with, stored in the model card at training time: the histogram of
/// the out-of-fold top-label confidence, the share of unknown words an unseen text from the training
/// distribution is expected to have, the training label shares, and (embeddings models) the sidecar with a
/// sample of training embeddings.
/// </summary>
/// <param name="ConfidenceBins">Out-of-fold top-label confidence counts in <see cref="Bins"/> equal bins over [0, 1].</param>
/// <param name="MeanConfidence">Mean out-of-fold top-label confidence.</param>
/// <param name="ExpectedUnknownWordShare">Good–Turing estimate: the share of training word occurrences whose word appears in only one training row.</param>
/// <param name="LabelShares">Share of each label in the training rows.</param>
/// <param name="EmbeddingSample">File name (beside the card) of the training-embedding sample, or null.</param>
/// <param name="EmbeddingBaseline">Mean cosine distance from held-back training texts to their nearest sampled training text, or null.</param>
public sealed record DriftBaseline(
    IReadOnlyList<int> ConfidenceBins, double MeanConfidence, double ExpectedUnknownWordShare, IReadOnlyDictionary<string, double> LabelShares,
    string? EmbeddingSample = null, double? EmbeddingBaseline = null)
{
    /// <summary>Confidence histogram bins.</summary>
    public const int Bins = 20;

    /// <summary>The baseline from the training rows and their out-of-fold probabilities (Score order = <paramref name="labels"/>).</summary>
    internal static DriftBaseline From(IReadOnlyList<LabeledExample> rows, IReadOnlyList<float[]> outOfFold, IReadOnlyList<string> labels) =>
        new(Histogram(outOfFold.Select(p => (double)p.Max())), outOfFold.Count == 0 ? 0 : outOfFold.Average(p => (double)p.Max()),
            ExpectedUnknownShare(rows.Select(r => r.Text)),
            labels.ToDictionary(l => l, l => rows.Count == 0 ? 0 : (double)rows.Count(r => r.Label == l) / rows.Count, StringComparer.Ordinal));

    /// <summary>Counts of values in <see cref="Bins"/> equal bins over [0, 1] (1 goes in the last).</summary>
    internal static int[] Histogram(IEnumerable<double> values)
    {
        var bins = new int[Bins];
        foreach (var v in values) bins[Math.Clamp((int)(v * Bins), 0, Bins - 1)]++;
        return bins;
    }

    /// <summary>
    /// Good–Turing estimate of the unseen-word rate, by row: a word that occurs in a single training row is one
    /// a new row from the same distribution would likely not find in the dictionary.
    /// </summary>
    internal static double ExpectedUnknownShare(IEnumerable<string> texts)
    {
        var rowsPerWord = new Dictionary<string, int>(StringComparer.Ordinal);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        long total = 0;
        foreach (var text in texts)
        {
            var words = Words(text);
            total += words.Length;
            foreach (var w in words) occurrences[w] = occurrences.GetValueOrDefault(w) + 1;
            foreach (var w in words.Distinct(StringComparer.Ordinal)) rowsPerWord[w] = rowsPerWord.GetValueOrDefault(w) + 1;
        }
        if (total == 0) return 0;
        long single = 0;
        foreach (var (w, rows) in rowsPerWord)
        {
            if (rows == 1) single += occurrences[w];
        }
        return (double)single / total;
    }

    /// <summary>The featurizer's words: lower-cased, split on spaces and punctuation.</summary>
    internal static string[] Words(string text) =>
        text.ToLowerInvariant().Split(TextFeaturizer.WordSeparators, StringSplitOptions.RemoveEmptyEntries);
}
