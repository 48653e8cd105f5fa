using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Scoring;

namespace Classifier.Core.Quantification;

/// <summary>
/// Where an estimate's error rates come from: the model card (cross-validation out-of-fold rows of
/// the training data, the default) or a labeled sample of the corpus being measured, scored by the
/// model now. The second is what to use when the corpus's text differs from the training data's.
/// </summary>
internal static class ErrorRates
{
    /// <summary>The card's statistics, or a <see cref="ClassifierException"/> (bad model) telling the user to retrain when it has none.</summary>
    public static QuantificationStats FromCard(ModelCard? card, string modelPath) => ShareEstimator.RequireStats(card, modelPath);

    /// <summary>
    /// Scores a labeled CSV (a sample of the corpus, never trained on) with <paramref name="scorer"/> and measures
    /// the error rates on it. Every model label needs at least one row; a label the model does not have is an error.
    /// </summary>
    public static QuantificationStats FromLabeledFile(BatchScorer scorer, string path, string textColumn, string labelColumn)
    {
        var data = LabeledCsv.Read(path, textColumn, labelColumn);
        return Measure(scorer, data.Rows, path);
    }

    /// <summary>Scores <paramref name="rows"/> and measures the error rates on them; <paramref name="source"/> names them in messages and in the statistics.</summary>
    public static QuantificationStats Measure(BatchScorer scorer, IReadOnlyList<LabeledExample> rows, string source)
    {
        var pool = ShiftedMixes.Pool(scorer, rows, source);
        var missing = scorer.Labels.Where((_, t) => !pool.Any(r => r.Truth == t)).ToArray();
        if (missing.Length > 0)
            throw ClassifierException.Input($"{source}: no rows labeled {string.Join(", ", missing.Select(m => $"'{m}'"))}, so the model's error rates on them cannot be measured; every label needs rows.");
        return ShiftedMixes.StatsOf(scorer.Labels, pool, $"the model's predictions on {source} ({rows.Count:N0} labeled rows)");
    }
}
