namespace Classifier.Core.Quantification;

/// <summary>A labeled, already scored text: its true label, the model's predicted label and probabilities (label order).</summary>
internal readonly record struct ScoredExample(int Truth, int Predicted, float[] Probabilities);

/// <summary>What the samples of one mix showed, per label (label order) and overall.</summary>
internal sealed record MixOutcome(
    IReadOnlyList<double> Mix,
    int Samples,
    int SampleSize,
    IReadOnlyList<double> MeanCcShare,
    IReadOnlyList<double> MeanShare,
    IReadOnlyList<double> CcMae,
    IReadOnlyList<double> ShareMae,
    IReadOnlyList<double> Coverage,
    IReadOnlyList<double> MeanWidth,
    double MaeDifference,
    double MaeDifferenceSe)
{
    /// <summary>True when the corrected share's MAE and classify-and-count's differ by more than twice the standard error of their paired difference.</summary>
    public bool DiffersBeyondNoise => Math.Abs(MaeDifference) > 2 * MaeDifferenceSe;

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
internal static class ShiftedMixes
{
    /// <summary>
    /// Estimates <paramref name="samples"/> samples of <paramref name="size"/> texts with label mix
    /// <paramref name="mix"/> (label order, sums to 1). With <paramref name="exactMix"/> every sample holds the
    /// mix exactly (its own share is the mix); otherwise each text's label is drawn from the mix, so the
    /// samples are random draws from a population whose share is the mix, which is what the intervals claim to cover.
    /// </summary>
    public static MixOutcome Run(
        QuantificationStats stats, IReadOnlyList<string> labels, IReadOnlyList<ScoredExample> pool,
        IReadOnlyList<double> mix, int samples, int size, ShareOptions options, int seed, bool exactMix = true)
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
            var drawn = counts;
            if (!exactMix)
            {
                drawn = new int[k];
                for (var i = 0; i < size; i++) drawn[Pick(truth, ref random)]++;
            }
            for (var t = 0; t < k; t++)
            {
                for (var i = 0; i < drawn[t]; i++)
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
        var differences = new double[samples];
        for (var s = 0; s < samples; s++)
        {
            var estimate = estimates[s];
            differences[s] = Enumerable.Range(0, k).Average(l => Math.Abs(estimate.Labels[l].Share!.Value - truth[l]) - Math.Abs(estimate.Labels[l].CcShare!.Value - truth[l]));
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
        var meanDifference = differences.Average();
        var sd = Math.Sqrt(differences.Sum(d => (d - meanDifference) * (d - meanDifference)) / Math.Max(1, samples - 1));
        return new MixOutcome(truth, samples, size, meanCc, meanShare, ccMae, shareMae, coverage, width, meanDifference, sd / Math.Sqrt(samples));
    }

    private static int Pick(double[] mix, ref SplitMix random)
    {
        var u = (random.Next() >> 11) * (1.0 / (1UL << 53));
        double cumulative = 0;
        for (var i = 0; i < mix.Length - 1; i++)
        {
            cumulative += mix[i];
            if (u < cumulative) return i;
        }
        return mix.Length - 1;
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

    /// <summary>
    /// Splits scored rows in two, label by label (a seeded shuffle, every other row to each half): one
    /// half to measure the error rates on, the other to draw samples from.
    /// </summary>
    public static (IReadOnlyList<ScoredExample> Calibration, IReadOnlyList<ScoredExample> Samples) Halves(IReadOnlyList<ScoredExample> pool, int seed)
    {
        var calibration = new List<ScoredExample>();
        var rest = new List<ScoredExample>();
        foreach (var label in pool.Select(r => r.Truth).Distinct().Order())
        {
            var random = new Random(unchecked(seed + 31 * label));
            var members = pool.Where(r => r.Truth == label).OrderBy(_ => random.Next()).ToArray();
            for (var i = 0; i < members.Length; i++) (i % 2 == 0 ? calibration : rest).Add(members[i]);
        }
        return (calibration, rest);
    }

    /// <summary>Quantification statistics measured on scored, labeled rows (not out-of-fold: say where they come from in <paramref name="source"/>).</summary>
    public static QuantificationStats StatsOf(IReadOnlyList<string> labels, IReadOnlyList<ScoredExample> rows, string source) =>
        QuantificationStats.FromOutOfFold(labels, rows.Select(r => r.Truth).ToArray(), rows.Select(r => r.Probabilities).ToArray(), folds: 0) with { Source = source };

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
