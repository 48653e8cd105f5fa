using System.Numerics;
using System.Runtime.InteropServices;

namespace Classifier.Core.Quantification;

/// <summary>
/// What one group's estimate needs, gathered text by text: the count, the predicted-label counts, the
/// probability sums and, per bootstrap replicate, the Poisson-weighted label counts (ACC) or probability
/// sums (PACC). Memory is replicates x labels per group, whatever the number of texts.
/// </summary>
/// <remarks>
/// Probabilities are rounded to multiples of 2^-20 and weights are small integers, so every sum is an
/// integer multiple of 2^-20 held exactly in a double (up to about 700 million texts per group): the sums
/// do not depend on the order of addition, and groups can be merged into the whole corpus exactly.
/// </remarks>
internal sealed class ShareAccumulator(int labelCount, int replicates, ShareMethod method, string note)
{
    /// <summary>Fixed-point scale of the probabilities (2^20: finer than the 1e-6 the outputs show).</summary>
    public const double FixedScale = 1 << 20;

    // Label-major, [label * replicates + b], so each label's update is one vector pass over the replicates.
    private readonly double[] _replicates = new double[replicates * labelCount];

    /// <summary>Texts added.</summary>
    public long N { get; private set; }

    /// <summary>Texts per predicted label.</summary>
    public long[] Predicted { get; } = new long[labelCount];

    /// <summary>Probability sums per label (of the rounded probabilities).</summary>
    public double[] Probability { get; } = new double[labelCount];

    /// <summary>Why the group is special (e.g. rows without a date), or empty.</summary>
    public string Note { get; } = note;

    /// <summary>Adds one text: its predicted label, its rounded probabilities and its weight in each replicate.</summary>
    public void Add(int predicted, ReadOnlySpan<double> probabilities, ReadOnlySpan<double> weights)
    {
        N++;
        Predicted[predicted]++;
        for (var l = 0; l < labelCount; l++) Probability[l] += probabilities[l];
        if (method == ShareMethod.Acc)
        {
            AddScaled(_replicates.AsSpan(predicted * replicates, replicates), weights, 1);
            return;
        }
        for (var l = 0; l < labelCount; l++)
        {
            if (probabilities[l] != 0) AddScaled(_replicates.AsSpan(l * replicates, replicates), weights, probabilities[l]);
        }
    }

    /// <summary>Adds another group's texts (same labels, replicates and method): how the whole corpus is built from its groups.</summary>
    public void Merge(ShareAccumulator other)
    {
        N += other.N;
        for (var l = 0; l < labelCount; l++)
        {
            Predicted[l] += other.Predicted[l];
            Probability[l] += other.Probability[l];
        }
        AddScaled(_replicates, other._replicates, 1);
    }

    /// <summary>
    /// Writes the state (N, predicted counts, probability sums, the per-replicate sums) as little-endian
    /// integers and doubles: the exact values, so an accumulator read back and merged adds up to the same bits.
    /// </summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(N);
        foreach (var count in Predicted) writer.Write(count);
        foreach (var sum in Probability) writer.Write(sum);
        foreach (var sum in _replicates) writer.Write(sum);
    }

    /// <summary>
    /// Adds the state <see cref="Write"/> wrote (another shard's texts of this group) to this one; false when
    /// a value is not a finite, non-negative number. <paramref name="scratch"/> (replicates x labels doubles)
    /// is reused from group to group, so reading thousands of groups makes no garbage per group.
    /// </summary>
    public bool AddFrom(BinaryReader reader, double[] scratch)
    {
        var n = reader.ReadInt64();
        var predicted = new long[labelCount];
        var probability = new double[labelCount];
        for (var l = 0; l < labelCount; l++) predicted[l] = reader.ReadInt64();
        for (var l = 0; l < labelCount; l++) probability[l] = reader.ReadDouble();
        var sums = scratch.AsSpan(0, _replicates.Length);
        for (var i = 0; i < sums.Length; i++) sums[i] = reader.ReadDouble();
        if (n < 0 || predicted.Any(c => c < 0) || predicted.Sum() != n || !probability.All(Valid)) return false;
        foreach (var sum in sums)
        {
            if (!Valid(sum)) return false;
        }
        N += n;
        for (var l = 0; l < labelCount; l++)
        {
            Predicted[l] += predicted[l];
            Probability[l] += probability[l];
        }
        AddScaled(_replicates, sums, 1);
        return true;

        static bool Valid(double v) => double.IsFinite(v) && v >= 0;
    }

    /// <summary>What replicate <paramref name="b"/> observed: predicted-label shares (ACC) or mean probabilities (PACC); null when every weight was 0.</summary>
    public double[]? ObservedIn(int b)
    {
        var row = new double[labelCount];
        double total = 0;
        for (var l = 0; l < labelCount; l++) total += row[l] = _replicates[l * replicates + b];
        if (total <= 0) return null;
        for (var l = 0; l < labelCount; l++) row[l] /= total;
        return row;
    }

    /// <summary>What the group observed: predicted-label shares (ACC) or mean probabilities (PACC).</summary>
    public double[] Observed() => method == ShareMethod.Acc ? ShareMath.Shares(Predicted) : ShareMath.Normalize(Probability);

    /// <summary>target += source × factor, element by element (a multiply then an add, never fused, so every machine gets the same bits).</summary>
    private static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double factor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<double>.Count)
        {
            var t = MemoryMarshal.Cast<double, Vector<double>>(target);
            var s = MemoryMarshal.Cast<double, Vector<double>>(source);
            var f = new Vector<double>(factor);
            for (var v = 0; v < t.Length; v++) t[v] += s[v] * f;
            i = t.Length * Vector<double>.Count;
        }
        for (; i < target.Length; i++) target[i] += source[i] * factor;
    }
}
