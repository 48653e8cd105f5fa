namespace Classifier.Core.Evaluation;

/// <summary>A figure over the folds: its mean and sample standard deviation.</summary>
/// <param name="Mean">The mean over the folds.</param>
/// <param name="Sd">The sample standard deviation over the folds (0 with fewer than two folds).</param>
public sealed record MeanSd(double Mean, double Sd)
{
    internal static MeanSd Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length == 0) return new MeanSd(0, 0);
        var mean = v.Average();
        var sd = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new MeanSd(mean, sd);
    }

    /// <summary>The figure as <c>0.912 ± 0.011</c>, in the invariant culture.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:0.000} ± {Sd:0.000}");
}

/// <summary>Per-class and overall figures over K folds, and the summed confusion matrix.</summary>
/// <param name="Labels">Label names in Score order.</param>
/// <param name="Folds">The number of folds.</param>
/// <param name="Precision">Precision of each label.</param>
/// <param name="Recall">Recall of each label.</param>
/// <param name="F1">F1 of each label.</param>
/// <param name="MacroF1">The unweighted mean of the labels' F1.</param>
/// <param name="Accuracy">The share of rows predicted right.</param>
/// <param name="LogLoss">Mean negative log-probability of the true label.</param>
/// <param name="ConfusionMatrix">Out-of-fold predictions summed over the folds: <c>[truth][predicted]</c>.</param>
/// <param name="Seconds">Wall-clock time of the whole cross-validation.</param>
public sealed record CrossValidationSummary(
    IReadOnlyList<string> Labels,
    int Folds,
    IReadOnlyDictionary<string, MeanSd> Precision,
    IReadOnlyDictionary<string, MeanSd> Recall,
    IReadOnlyDictionary<string, MeanSd> F1,
    MeanSd MacroF1,
    MeanSd Accuracy,
    MeanSd LogLoss,
    int[][] ConfusionMatrix,
    double Seconds)
{
    internal static CrossValidationSummary From(IReadOnlyList<EvaluationReport> folds, double seconds)
    {
        var labels = folds[0].Labels;
        var k = labels.Count;
        var summed = new int[k][];
        for (var i = 0; i < k; i++) summed[i] = new int[k];
        foreach (var fold in folds)
        {
            for (var i = 0; i < k; i++)
            {
                for (var j = 0; j < k; j++) summed[i][j] += fold.ConfusionMatrix[i][j];
            }
        }

        Dictionary<string, MeanSd> PerClass(Func<ClassMetrics, double> pick) =>
            Enumerable.Range(0, k).ToDictionary(c => labels[c], c => MeanSd.Of(folds.Select(f => pick(f.PerClass[c]))));

        return new CrossValidationSummary(labels, folds.Count,
            PerClass(m => m.Precision), PerClass(m => m.Recall), PerClass(m => m.F1),
            MeanSd.Of(folds.Select(f => f.MacroF1)), MeanSd.Of(folds.Select(f => f.Accuracy)),
            MeanSd.Of(folds.Select(f => f.LogLoss)), summed, seconds);
    }
}
