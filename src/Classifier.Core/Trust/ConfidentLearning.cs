namespace Classifier.Core.Trust;

/// <summary>One row whose given label confident learning thinks is wrong.</summary>
/// <param name="Index">The row's index in the arrays given to <see cref="ConfidentLearning.Find"/>.</param>
/// <param name="Given">The given label's index.</param>
/// <param name="Suggested">The label it more likely has.</param>
/// <param name="PGiven">Out-of-fold probability of the given label (the self-confidence the ranking sorts on).</param>
/// <param name="PSuggested">Out-of-fold probability of the suggested label.</param>
internal sealed record LabelIssue(int Index, int Given, int Suggested, double PGiven, double PSuggested);

/// <summary>How many of one given label's rows confident learning estimates to be wrong.</summary>
/// <param name="Label">The given label.</param>
/// <param name="Rows">Rows given that label.</param>
/// <param name="WrongShare">Estimated share of those rows whose true label is another (1 - calibrated diagonal / rows).</param>
/// <param name="WrongRows">The same as a row count (rounded).</param>
/// <param name="MostLikelyTrue">The other label the wrong ones most likely belong to, or null when none are estimated wrong.</param>
/// <param name="Threshold">The per-class threshold t_j: the mean out-of-fold probability of this label over rows given it.</param>
internal sealed record NoiseEstimate(string Label, int Rows, double WrongShare, int WrongRows, string? MostLikelyTrue, double Threshold);

/// <summary>What <see cref="ConfidentLearning.Find"/> estimated.</summary>
/// <param name="Labels">Labels in probability-slot order.</param>
/// <param name="ConfidentJoint">C[given, likely true]: rows counted confidently in each cell.</param>
/// <param name="CalibratedJoint">C calibrated so each row sums to that label's row count.</param>
/// <param name="Noise">Per given label, the estimated share of wrong labels.</param>
/// <param name="Issues">The rows found, most likely wrong (lowest self-confidence) first.</param>
internal sealed record ConfidentLearningResult(
    IReadOnlyList<string> Labels, int[,] ConfidentJoint, double[,] CalibratedJoint, IReadOnlyList<NoiseEstimate> Noise, IReadOnlyList<LabelIssue> Issues)
{
    /// <summary>Estimated wrong rows over all rows.</summary>
    public double OverallWrongShare => Noise.Sum(n => n.WrongShare * n.Rows) / Math.Max(1, Noise.Sum(n => n.Rows));
}

/// <summary>
/// Confident learning (Northcutt, Jiang and Chuang 2021, "Confident learning: estimating uncertainty in
/// dataset labels", JAIR 70): from out-of-fold probabilities, per-class thresholds t_j (the mean
/// probability of j over rows given j) decide which rows are confidently of another label; the confident
/// joint, calibrated to the label counts, estimates how many rows of each label are wrong; and "prune by
/// noise rate" lists, for each (given i, true j) cell, that many rows given i with the largest margin
/// p_j - p_i. Rows are ranked by self-confidence (the probability of the given label), lowest first.
/// </summary>
internal static class ConfidentLearning
{
    /// <param name="given">Each row's given label, as an index into <paramref name="labels"/>.</param>
    /// <param name="probabilities">Each row's out-of-fold probabilities, one per label.</param>
    /// <param name="labels">The label names.</param>
    public static ConfidentLearningResult Find(IReadOnlyList<int> given, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> labels)
    {
        var n = given.Count;
        var k = labels.Count;
        if (probabilities.Count != n) throw new ArgumentException("One probability vector per row is needed.", nameof(probabilities));
        var counts = new int[k];
        var sums = new double[k];
        for (var r = 0; r < n; r++)
        {
            if (probabilities[r].Length != k) throw new ArgumentException($"Row {r} has {probabilities[r].Length} probabilities for {k} labels.", nameof(probabilities));
            counts[given[r]]++;
            sums[given[r]] += probabilities[r][given[r]];
        }
        // t_j: how confident the model is, on average, about rows that carry j; a label the model finds
        // hard gets a low bar, so hard classes are not flagged wholesale.
        var thresholds = new double[k];
        for (var j = 0; j < k; j++) thresholds[j] = counts[j] == 0 ? 1 : sums[j] / counts[j];

        var joint = new int[k, k];
        for (var r = 0; r < n; r++)
        {
            var p = probabilities[r];
            var best = -1;
            for (var j = 0; j < k; j++)
            {
                if (p[j] >= thresholds[j] && (best < 0 || p[j] > p[best])) best = j;
            }
            if (best >= 0) joint[given[r], best]++;
        }

        var calibrated = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            var rowSum = 0.0;
            for (var j = 0; j < k; j++) rowSum += joint[i, j];
            for (var j = 0; j < k; j++) calibrated[i, j] = rowSum == 0 ? (i == j ? counts[i] : 0) : joint[i, j] / rowSum * counts[i];
        }

        // Prune by noise rate: the cell (i, j) says how many rows given i are really j; take that many
        // rows given i where j beats i by the widest margin.
        var suggested = new Dictionary<int, int>();
        var byLabel = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, n).Where(r => given[r] == i).ToArray()).ToArray();
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                if (i == j) continue;
                var take = (int)Math.Round(calibrated[i, j], MidpointRounding.AwayFromZero);
                if (take == 0) continue;
                var (ii, jj) = (i, j);
                foreach (var r in byLabel[i].OrderByDescending(r => probabilities[r][jj] - probabilities[r][ii]).ThenBy(r => r).Take(take))
                {
                    // A row picked for two true labels gets the likelier one.
                    if (!suggested.TryGetValue(r, out var previous) || probabilities[r][j] > probabilities[r][previous]) suggested[r] = j;
                }
            }
        }

        var issues = suggested
            .Select(x => new LabelIssue(x.Key, given[x.Key], x.Value, probabilities[x.Key][given[x.Key]], probabilities[x.Key][x.Value]))
            .OrderBy(x => x.PGiven).ThenBy(x => x.Index)
            .ToArray();

        var noise = new NoiseEstimate[k];
        for (var i = 0; i < k; i++)
        {
            var wrong = counts[i] == 0 ? 0 : 1 - calibrated[i, i] / counts[i];
            int? likeliest = null;
            for (var j = 0; j < k; j++)
            {
                if (j != i && calibrated[i, j] > 0 && (likeliest is null || calibrated[i, j] > calibrated[i, likeliest.Value])) likeliest = j;
            }
            noise[i] = new NoiseEstimate(labels[i], counts[i], Math.Max(0, wrong), (int)Math.Round(Math.Max(0, wrong) * counts[i]),
                likeliest is { } l ? labels[l] : null, thresholds[i]);
        }
        return new ConfidentLearningResult(labels, joint, calibrated, noise, issues);
    }
}
