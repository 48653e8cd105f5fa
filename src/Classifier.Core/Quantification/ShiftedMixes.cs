namespace Classifier.Core.Quantification;

/// <summary>A labeled, already scored text: its true label, the model's predicted label and probabilities (label order).</summary>
public readonly record struct ScoredExample(int Truth, int Predicted, float[] Probabilities);

/// <summary>What the samples of one mix showed, per label (label order) and overall.</summary>
public sealed record MixOutcome(
    IReadOnlyList<double> Mix,
    int Samples,
    int SampleSize,
    IReadOnlyList<double> MeanCcShare,
    IReadOnlyList<double> MeanShare,
    IReadOnlyList<double> CcMae,
    IReadOnlyList<double> ShareMae,
    IReadOnlyList<double> Coverage,
    IReadOnlyList<double> MeanWidth)
{
    /// <summary>Mean absolute error of classify-and-count over samples and labels.</summary>
    public double CcMaeAll => CcMae.Average();

    /// <summary>Mean absolute error of the corrected share over samples and labels.</summary>
    public double ShareMaeAll => ShareMae.Average();

    /// <summary>Share of (sample, label) pairs whose interval covers the true share.</summary>
    public double CoverageAll => Coverage.Average();
}

/// <summary>
/// The proof of the estimator: samples drawn from a labeled, scored file with a chosen label mix (rows
/// of each label drawn with replacement, so the mix is exact), each estimated as a corpus of its own.
/// Compares the corrected share with classify-and-count against the true mix, and counts how often the
/// interval covers it.
/// </summary>
public static class ShiftedMixes
{
    /// <summary>Estimates <paramref name="samples"/> samples of <paramref name="size"/> texts with label mix <paramref name="mix"/> (label order, sums to 1).</summary>
    public static MixOutcome Run(
        QuantificationStats stats, IReadOnlyList<string> labels, IReadOnlyList<ScoredExample> pool,
        IReadOnlyList<double> mix, int samples, int size, ShareOptions options, int seed)
    {
        var k = labels.Count;
        var byLabel = Enumerable.Range(0, k).Select(t => pool.Where(r => r.Truth == t).ToArray()).ToArray();
        var counts = Counts(mix, size);
        for (var t = 0; t < k; t++)
        {
            if (counts[t] > 0 && byLabel[t].Length == 0) throw ClassifierException.Input($"the labeled file has no rows of '{labels[t]}' to draw from.");
        }
        var truth = counts.Select(c => (double)c / size).ToArray();
        var estimates = new ShareEstimate[samples];
        // Samples are independent (own generator, own bootstrap seed), so running them in parallel changes nothing.
        Parallel.For(0, samples, s =>
        {
            var random = new SplitMix(PoissonWeights.Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)s));
            var estimator = new ShareEstimator(stats, labels, options with { Seed = unchecked(seed + 7919 * (s + 1)), MinGroupSize = 1 }, "(card)");
            for (var t = 0; t < k; t++)
            {
                for (var i = 0; i < counts[t]; i++)
                {
                    var row = byLabel[t][random.Below(byLabel[t].Length)];
                    estimator.Add(row.Predicted, row.Probabilities);
                }
            }
            estimates[s] = estimator.Finish().Overall;
        });

        var meanCc = new double[k];
        var meanShare = new double[k];
        var ccMae = new double[k];
        var shareMae = new double[k];
        var coverage = new double[k];
        var width = new double[k];
        foreach (var estimate in estimates)
        {
            for (var l = 0; l < k; l++)
            {
                var e = estimate.Labels[l];
                meanCc[l] += e.CcShare!.Value / samples;
                meanShare[l] += e.Share!.Value / samples;
                ccMae[l] += Math.Abs(e.CcShare.Value - truth[l]) / samples;
                shareMae[l] += Math.Abs(e.Share.Value - truth[l]) / samples;
                // A hair of tolerance: a share clipped to 0 has an interval [0, x] that must count as covering 0.
                if (e.CiLow!.Value - 1e-12 <= truth[l] && truth[l] <= e.CiHigh!.Value + 1e-12) coverage[l] += 1.0 / samples;
                width[l] += (e.CiHigh!.Value - e.CiLow.Value) / samples;
            }
        }
        return new MixOutcome(truth, samples, size, meanCc, meanShare, ccMae, shareMae, coverage, width);
    }

    /// <summary>Scores labeled rows with <paramref name="scorer"/>: the pool the samples are drawn from. A label the model does not have is an error.</summary>
    public static IReadOnlyList<ScoredExample> Pool(Scoring.BatchScorer scorer, IReadOnlyList<Data.LabeledExample> rows, string source)
    {
        var index = scorer.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        if (rows.FirstOrDefault(r => !index.ContainsKey(r.Label)) is { } unknown)
            throw ClassifierException.Input($"{source}: label '{unknown.Label}' is not among the model's labels ({string.Join(", ", scorer.Labels)}).");
        var predictions = scorer.Score(rows.Select(r => r.Text).ToArray());
        return rows.Select((r, i) => new ScoredExample(index[r.Label], predictions.Predicted[i], predictions.ProbabilitiesOf(i).ToArray())).ToArray();
    }

    /// <summary>Texts per label for a mix: largest remainders, so they add up to <paramref name="size"/>.</summary>
    public static int[] Counts(IReadOnlyList<double> mix, int size)
    {
        var total = mix.Sum();
        var exact = mix.Select(m => m / total * size).ToArray();
        var counts = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = size - counts.Sum();
        foreach (var i in Enumerable.Range(0, mix.Count).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i).Take(left)) counts[i]++;
        return counts;
    }
}
