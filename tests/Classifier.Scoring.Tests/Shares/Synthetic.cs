using Classifier.Core.Quantification;

namespace Classifier.Scoring.Tests.Shares;

/// <summary>
/// Made-up classifiers with known error rates: a text of true label t is predicted p with probability
/// Confusion[t][p], and its probability vector leans toward the predicted label. Out-of-fold rows
/// and corpora drawn from the same classifier satisfy the estimator's assumption exactly.
/// </summary>
internal static class Synthetic
{
    public static readonly string[] Labels = ["neutral", "pro-access", "pro-privacy"];

    public static readonly double[][] Confusion =
    [
        [0.85, 0.08, 0.07],
        [0.10, 0.72, 0.18],
        [0.06, 0.22, 0.72],
    ];

    public static ScoredExample Draw(Random random, int truth)
    {
        var u = random.NextDouble();
        var predicted = 0;
        for (double cumulative = Confusion[truth][0]; predicted < 2 && u >= cumulative; cumulative += Confusion[truth][++predicted]) { }
        // Confidence between 0.45 and 0.95 on the predicted label; the rest split at random.
        var top = 0.45 + 0.5 * random.NextDouble();
        var p = new float[3];
        var split = random.NextDouble();
        var others = Enumerable.Range(0, 3).Where(l => l != predicted).ToArray();
        p[predicted] = (float)top;
        p[others[0]] = (float)((1 - top) * split);
        p[others[1]] = (float)((1 - top) * (1 - split));
        return new ScoredExample(truth, predicted, p);
    }

    /// <summary>Card statistics from <paramref name="perLabel"/> out-of-fold rows of each label.</summary>
    public static QuantificationStats Stats(int perLabel, int seed = 1)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, 3).SelectMany(t => Enumerable.Range(0, perLabel).Select(_ => Draw(random, t))).ToArray();
        return QuantificationStats.FromOutOfFold(Labels, rows.Select(r => r.Truth).ToArray(), rows.Select(r => r.Probabilities).ToArray(), folds: 5);
    }

    /// <summary>A corpus of <paramref name="size"/> texts whose true labels follow <paramref name="mix"/> exactly.</summary>
    public static ScoredExample[] Corpus(double[] mix, int size, int seed)
    {
        var random = new Random(seed);
        var counts = ShiftedMixes.Counts(mix, size);
        return Enumerable.Range(0, 3).SelectMany(t => Enumerable.Range(0, counts[t]).Select(_ => Draw(random, t))).ToArray();
    }

    public static ShareResults Estimate(QuantificationStats stats, IEnumerable<ScoredExample> corpus, ShareOptions options)
    {
        var estimator = new ShareEstimator(stats, Labels, options, "synthetic.card.json");
        foreach (var row in corpus) estimator.Add(row.Predicted, row.Probabilities);
        return estimator.Finish();
    }
}
