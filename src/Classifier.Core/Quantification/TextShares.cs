using Classifier.Core.Prediction;

namespace Classifier.Core.Quantification;

/// <summary>
/// Share estimates for texts in memory (the library and the service): the texts are scored in chunks
/// and streamed into a <see cref="ShareEstimator"/>, so a long sequence is never held whole.
/// </summary>
internal static class TextShares
{
    /// <summary>Texts scored per call of the predictor.</summary>
    public const int Chunk = 512;

    /// <summary>
    /// Estimates the label shares of <paramref name="texts"/> (one group "all"; empty or blank texts are
    /// skipped, as in batch scoring) with the error rates <paramref name="stats"/>, found at <paramref name="where"/>.
    /// </summary>
    public static ShareResults Estimate(
        IEnumerable<string> texts, IReadOnlyList<string> labels, Func<IReadOnlyList<string>, IReadOnlyList<StancePrediction>> predict,
        QuantificationStats stats, string where, ShareOptions options)
    {
        var estimator = new ShareEstimator(stats, labels, options, where);
        var probabilities = new float[labels.Count];
        var chunk = new List<string>(Chunk);
        // Each text's bootstrap weights are keyed by its index in the sequence (blank texts keep theirs).
        var positions = new List<long>(Chunk);
        var index = 0;
        void Flush()
        {
            var predictions = predict(chunk);
            for (var i = 0; i < predictions.Count; i++)
            {
                var p = predictions[i];
                var predicted = -1;
                for (var l = 0; l < labels.Count; l++)
                {
                    probabilities[l] = p.Probabilities[labels[l]];
                    if (labels[l] == p.Label) predicted = l;
                }
                estimator.Add(positions[i], 0, predicted >= 0 ? predicted : Evaluation.EvaluationReport.ArgMax(probabilities), probabilities);
            }
            chunk.Clear();
            positions.Clear();
        }
        foreach (var text in texts)
        {
            if (text is null) throw new ArgumentException($"texts[{index}] is null.", nameof(texts));
            index++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            chunk.Add(text);
            positions.Add(index - 1);
            if (chunk.Count == Chunk) Flush();
        }
        if (chunk.Count > 0) Flush();
        return estimator.Finish();
    }

    /// <summary>Measures the error rates on labeled texts (a sample of the corpus's kind of text, never trained on) with <paramref name="predict"/>.</summary>
    public static QuantificationStats Measure(
        IEnumerable<(string Text, string Label)> rows, IReadOnlyList<string> labels, Func<IReadOnlyList<string>, IReadOnlyList<StancePrediction>> predict)
    {
        var list = rows.ToArray();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        if (list.FirstOrDefault(r => r.Label is null || !index.ContainsKey(r.Label)) is { Text: not null } unknown)
            throw ClassifierException.Input($"labeled rows: label '{unknown.Label}' is not among the model's labels ({string.Join(", ", labels)}).");
        var missing = labels.Where(l => !list.Any(r => r.Label == l)).ToArray();
        if (missing.Length > 0)
            throw ClassifierException.Input($"labeled rows: none labeled {string.Join(", ", missing.Select(m => $"'{m}'"))}; every label needs rows to measure its error rates.");
        var predictions = new List<float[]>(list.Length);
        foreach (var part in list.Chunk(Chunk))
        {
            foreach (var p in predict(part.Select(r => r.Text).ToArray())) predictions.Add(labels.Select(l => p.Probabilities[l]).ToArray());
        }
        return QuantificationStats.FromOutOfFold(labels, list.Select(r => index[r.Label]).ToArray(), predictions, folds: 0)
            with { Source = $"the model's predictions on {list.Length:N0} labeled rows" };
    }
}
