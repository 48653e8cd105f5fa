namespace Classifier.Core.Quantification;

/// <summary>
/// The calibration half of the bootstrap: per replicate, the out-of-fold rows of each true label are
/// resampled with replacement (as many as there are) and the conditional matrix is measured again,
/// so the intervals carry the uncertainty of the model's own error rates. Shared by every group:
/// replicate b of every group uses the same resampled matrix.
/// </summary>
internal static class CalibrationResamples
{
    /// <summary>One [true][observed] matrix per replicate: P(predicted | true) for ACC, mean probabilities for PACC.</summary>
    public static double[][][] Build(IReadOnlyList<CalibrationRow> rows, int labelCount, ShareMethod method, int replicates, int seed)
    {
        var byLabel = Enumerable.Range(0, labelCount).Select(t => new List<int>()).ToArray();
        for (var i = 0; i < rows.Count; i++) byLabel[rows[i].Truth].Add(i);
        var result = new double[replicates][][];
        // Each replicate has its own generator, so the result does not depend on how the loop is scheduled.
        Parallel.For(0, replicates, b =>
        {
            var random = new SplitMix(PoissonWeights.Mix((ulong)(uint)seed * 0x2545F4914F6CDD1DUL + (ulong)b + 1));
            var matrix = new double[labelCount][];
            for (var t = 0; t < labelCount; t++)
            {
                var members = byLabel[t];
                var row = new double[labelCount];
                for (var draw = 0; draw < members.Count; draw++)
                {
                    var picked = rows[members[random.Below(members.Count)]];
                    if (method == ShareMethod.Acc) row[picked.Predicted]++;
                    else
                    {
                        for (var l = 0; l < labelCount; l++) row[l] += picked.Probabilities[l];
                    }
                }
                if (members.Count > 0)
                {
                    for (var l = 0; l < labelCount; l++) row[l] /= members.Count;
                }
                matrix[t] = row;
            }
            result[b] = matrix;
        });
        return result;
    }
}
