namespace Classifier.Core.Quantification;

/// <summary>
/// The adjusted classify-and-count estimators (Forman 2008). What the classifier reports for a corpus is
/// a mix of what it reports for each true label: observed[p] = Σ_t share[t] · conditional[t][p], where
/// conditional is P(predicted | true) for ACC and the mean probability vector per true label for PACC.
/// Solving that system for share undoes the classifier's errors.
/// </summary>
internal static class ShareMath
{
    /// <summary>
    /// The shares that best explain <paramref name="observed"/> (least squares), clipped to [0, 1] and
    /// renormalized to sum to 1. <paramref name="conditional"/> is [true][observed]. When the clipped
    /// solution is all zero (a degenerate system), the observed shares are returned unchanged.
    /// </summary>
    public static double[] Adjust(ReadOnlySpan<double> observed, double[][] conditional)
    {
        var k = observed.Length;
        if (conditional.Length != k || conditional.Any(r => r.Length != k))
            throw new ArgumentException($"The conditional matrix must be {k} x {k}.", nameof(conditional));

        // Normal equations (AᵀA) x = Aᵀ q with A[p][t] = conditional[t][p]. For an invertible A this is the
        // exact solution; the tiny ridge keeps a singular A (a label never predicted) solvable.
        var normal = new double[k, k + 1];
        double trace = 0;
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++) sum += conditional[i][p] * conditional[j][p];
                normal[i, j] = sum;
            }
            double right = 0;
            for (var p = 0; p < k; p++) right += conditional[i][p] * observed[p];
            normal[i, k] = right;
            trace += normal[i, i];
        }
        for (var i = 0; i < k; i++) normal[i, i] += 1e-12 * Math.Max(trace, 1e-300);
        var solution = Solve(normal, k);
        return ClipToSimplex(solution, observed);
    }

    /// <summary>Clips to [0, 1] and renormalizes to sum to 1; an all-zero (or not finite) result falls back to <paramref name="fallback"/>.</summary>
    public static double[] ClipToSimplex(double[] values, ReadOnlySpan<double> fallback)
    {
        var clipped = new double[values.Length];
        double total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = double.IsFinite(values[i]) ? Math.Clamp(values[i], 0, 1) : 0;
            clipped[i] = v;
            total += v;
        }
        if (!(total > 0)) return fallback.ToArray();
        for (var i = 0; i < clipped.Length; i++) clipped[i] /= total;
        return clipped;
    }

    /// <summary>Classify and count: each label's share of <paramref name="counts"/>.</summary>
    public static double[] Shares(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        var shares = new double[counts.Length];
        if (total == 0) return shares;
        for (var i = 0; i < counts.Length; i++) shares[i] = (double)counts[i] / total;
        return shares;
    }

    /// <summary>Each value of <paramref name="sums"/> over their total (a mean vector from sums whose weights add to the same total).</summary>
    public static double[] Normalize(ReadOnlySpan<double> sums)
    {
        double total = 0;
        foreach (var s in sums) total += s;
        var shares = new double[sums.Length];
        if (!(total > 0)) return shares;
        for (var i = 0; i < sums.Length; i++) shares[i] = sums[i] / total;
        return shares;
    }

    /// <summary>The <paramref name="q"/>-quantile (0-1) of sorted values, interpolated between neighbours (R's type 7).</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>Gaussian elimination with partial pivoting on an augmented k x (k+1) matrix.</summary>
    private static double[] Solve(double[,] m, int k)
    {
        for (var c = 0; c < k; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < k; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c])) pivot = r;
            }
            if (pivot != c)
            {
                for (var j = 0; j <= k; j++) (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            }
            var d = m[c, c];
            if (d == 0) continue;
            for (var r = 0; r < k; r++)
            {
                if (r == c || m[r, c] == 0) continue;
                var f = m[r, c] / d;
                for (var j = c; j <= k; j++) m[r, j] -= f * m[c, j];
            }
        }
        var x = new double[k];
        for (var i = 0; i < k; i++) x[i] = m[i, i] == 0 ? 0 : m[i, k] / m[i, i];
        return x;
    }
}
