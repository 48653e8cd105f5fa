namespace Classifier.Core.Trust;

/// <summary>
/// Chance-corrected agreement on nominal codes. Ratings are an items × coders matrix of label indices,
/// -1 where a coder did not code an item.
/// </summary>
internal static class AgreementStatistics
{
    /// <summary>Missing code.</summary>
    public const int Missing = -1;

    /// <summary>
    /// Cohen's (1960) kappa for coders <paramref name="a"/> and <paramref name="b"/> over the items both
    /// coded: (p_o - p_e) / (1 - p_e) with p_e from each coder's own marginals. NaN when p_e is 1 (one label only).
    /// </summary>
    public static double CohenKappa(int[,] ratings, int a, int b, int labels, IReadOnlyList<int>? items = null)
    {
        var rowA = new double[labels];
        var colB = new double[labels];
        double n = 0, agree = 0;
        foreach (var i in items ?? Enumerable.Range(0, ratings.GetLength(0)).ToArray())
        {
            var x = ratings[i, a];
            var y = ratings[i, b];
            if (x < 0 || y < 0) continue;
            n++;
            rowA[x]++;
            colB[y]++;
            if (x == y) agree++;
        }
        if (n == 0) return double.NaN;
        var pe = 0.0;
        for (var j = 0; j < labels; j++) pe += rowA[j] / n * (colB[j] / n);
        return pe >= 1 ? double.NaN : (agree / n - pe) / (1 - pe);
    }

    /// <summary>Items both coders coded.</summary>
    public static int Shared(int[,] ratings, int a, int b)
    {
        var count = 0;
        for (var i = 0; i < ratings.GetLength(0); i++)
        {
            if (ratings[i, a] >= 0 && ratings[i, b] >= 0) count++;
        }
        return count;
    }

    /// <summary>
    /// Fleiss' (1971) kappa over items with at least two codes, with each item's agreement P_i taken over
    /// its own number of coders m_i (equal to Fleiss' formula when every item has the same coders).
    /// </summary>
    public static double FleissKappa(int[,] ratings, IReadOnlyList<int> coders, int labels, IReadOnlyList<int>? items = null)
    {
        var totals = new double[labels];
        double sumP = 0, itemsUsed = 0, codes = 0;
        var counts = new int[labels];
        foreach (var i in items ?? Enumerable.Range(0, ratings.GetLength(0)).ToArray())
        {
            var m = Count(ratings, i, coders, counts);
            if (m < 2) continue;
            var pairs = 0.0;
            for (var j = 0; j < labels; j++)
            {
                pairs += counts[j] * (counts[j] - 1.0);
                totals[j] += counts[j];
            }
            sumP += pairs / (m * (m - 1.0));
            itemsUsed++;
            codes += m;
        }
        if (itemsUsed == 0) return double.NaN;
        var pe = 0.0;
        for (var j = 0; j < labels; j++) pe += totals[j] / codes * (totals[j] / codes);
        return pe >= 1 ? double.NaN : (sumP / itemsUsed - pe) / (1 - pe);
    }

    /// <summary>
    /// Krippendorff's alpha for nominal data (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
    /// 1 - D_o / D_e from the coincidence matrix of pairable values (units with two or more codes; missing codes allowed).
    /// </summary>
    public static double KrippendorffAlphaNominal(int[,] ratings, IReadOnlyList<int> coders, int labels, IReadOnlyList<int>? items = null)
    {
        // o_cc (agreeing coincidences) and n_c suffice for nominal alpha: sum_{c != k} o_ck = n - sum_c o_cc.
        var nc = new double[labels];
        double diagonal = 0;
        var counts = new int[labels];
        foreach (var i in items ?? Enumerable.Range(0, ratings.GetLength(0)).ToArray())
        {
            var m = Count(ratings, i, coders, counts);
            if (m < 2) continue;
            for (var c = 0; c < labels; c++)
            {
                nc[c] += counts[c];
                diagonal += counts[c] * (counts[c] - 1.0) / (m - 1.0);
            }
        }
        var n = nc.Sum();
        if (n < 2) return double.NaN;
        var observed = n - diagonal;
        var expected = 0.0;
        for (var c = 0; c < labels; c++) expected += nc[c] * (n - nc[c]);
        return expected == 0 ? double.NaN : 1 - (n - 1) * observed / expected;
    }

    /// <summary>
    /// Per label: Fleiss' (1971) category kappa κ_j (agreement on j versus everything else, beyond chance)
    /// and the specific agreement (of the pairs of codes on one item that involve j, the share where both are j).
    /// </summary>
    public static (double Kappa, double Specific, int Codes)[] PerLabel(int[,] ratings, IReadOnlyList<int> coders, int labels)
    {
        var disagreement = new double[labels];
        var agreeingPairs = new double[labels];
        var involvingPairs = new double[labels];
        var totals = new double[labels];
        double codes = 0;
        var counts = new int[labels];
        for (var i = 0; i < ratings.GetLength(0); i++)
        {
            var m = Count(ratings, i, coders, counts);
            if (m < 2) continue;
            codes += m;
            for (var j = 0; j < labels; j++)
            {
                totals[j] += counts[j];
                disagreement[j] += counts[j] * (m - counts[j]) / (m - 1.0);
                agreeingPairs[j] += counts[j] * (counts[j] - 1.0);
                involvingPairs[j] += counts[j] * (m - 1.0);
            }
        }
        var result = new (double, double, int)[labels];
        for (var j = 0; j < labels; j++)
        {
            var p = codes == 0 ? 0 : totals[j] / codes;
            var expected = codes * p * (1 - p);
            result[j] = (expected == 0 ? double.NaN : 1 - disagreement[j] / expected,
                involvingPairs[j] == 0 ? double.NaN : agreeingPairs[j] / involvingPairs[j], (int)totals[j]);
        }
        return result;
    }

    private static int Count(int[,] ratings, int item, IReadOnlyList<int> coders, int[] counts)
    {
        Array.Clear(counts);
        var m = 0;
        foreach (var c in coders)
        {
            var v = ratings[item, c];
            if (v < 0) continue;
            counts[v]++;
            m++;
        }
        return m;
    }
}
