namespace Classifier.Core.Evaluation;

/// <summary>A figure over the folds: its mean and sample standard deviation.</summary>
public sealed record MeanSd(double Mean, double Sd)
{
    public static MeanSd Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length == 0) return new MeanSd(0, 0);
        var mean = v.Average();
        var sd = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new MeanSd(mean, sd);
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:0.000} ± {Sd:0.000}");
}

/// <summary>Per-class and overall figures over K folds, and the summed confusion matrix.</summary>
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
    public static CrossValidationSummary From(IReadOnlyList<EvaluationReport> folds, double seconds)
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
