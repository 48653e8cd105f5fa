namespace Classifier.Core.Quantification;

/// <summary>
/// What one group's estimate needs, gathered text by text: the count, the predicted-label counts, the
/// probability sums and, per bootstrap replicate, the Poisson-weighted counts (ACC) or probability
/// sums (PACC). Memory is replicates x labels per group, whatever the number of texts. Probabilities
/// are summed as fixed-point integers, so the sums are exact and do not depend on the order of addition.
/// </summary>
internal sealed class ShareAccumulator(int labelCount, int replicates, ShareMethod method, string note)
{
    /// <summary>Fixed-point scale of the probability sums (2^20: finer than the 1e-6 the outputs show).</summary>
    public const double FixedScale = 1 << 20;

    private readonly long[] _replicates = new long[replicates * labelCount];

    /// <summary>Texts added.</summary>
    public long N { get; private set; }

    /// <summary>Texts per predicted label.</summary>
    public long[] Predicted { get; } = new long[labelCount];

    /// <summary>Probability sums per label, fixed-point (<see cref="FixedScale"/>).</summary>
    public long[] Probability { get; } = new long[labelCount];

    /// <summary>Why the group is special (e.g. rows without a date), or empty.</summary>
    public string Note { get; } = note;

    /// <summary>Adds one text: its predicted label, its fixed-point probabilities and its weight in each replicate.</summary>
    public void Add(int predicted, ReadOnlySpan<long> probabilities, ReadOnlySpan<byte> weights)
    {
        N++;
        Predicted[predicted]++;
        for (var l = 0; l < labelCount; l++) Probability[l] += probabilities[l];
        var sums = _replicates.AsSpan();
        if (method == ShareMethod.Acc)
        {
            for (var b = 0; b < weights.Length; b++) sums[b * labelCount + predicted] += weights[b];
            return;
        }
        for (var b = 0; b < weights.Length; b++)
        {
            var w = weights[b];
            if (w == 0) continue;
            var row = sums.Slice(b * labelCount, labelCount);
            for (var l = 0; l < row.Length; l++) row[l] += w * probabilities[l];
        }
    }

    /// <summary>What replicate <paramref name="b"/> observed: predicted-label shares (ACC) or mean probabilities (PACC); null when every weight was 0.</summary>
    public double[]? ObservedIn(int b)
    {
        var row = new double[labelCount];
        double total = 0;
        for (var l = 0; l < labelCount; l++) total += row[l] = _replicates[b * labelCount + l];
        if (total <= 0) return null;
        for (var l = 0; l < labelCount; l++) row[l] /= total;
        return row;
    }

    /// <summary>What the group observed: predicted-label shares (ACC) or mean probabilities (PACC).</summary>
    public double[] Observed() =>
        method == ShareMethod.Acc ? ShareMath.Shares(Predicted) : ShareMath.Normalize(Probability.Select(p => (double)p).ToArray());
}
