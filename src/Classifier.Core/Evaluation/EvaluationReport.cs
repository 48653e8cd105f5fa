namespace Classifier.Core.Evaluation;

/// <summary>
/// Multiclass figures computed from predictions by hand, so they can be checked against a
/// confusion matrix worked out on paper. ConfusionMatrix[truth][predicted].
/// </summary>
/// <param name="Labels">Label names in Score order.</param>
/// <param name="PerClass">Each label's precision, recall, F1 and support, in <paramref name="Labels"/> order.</param>
/// <param name="MacroF1">The unweighted mean of the labels' F1.</param>
/// <param name="Accuracy">The share of rows predicted right.</param>
/// <param name="LogLoss">Mean negative log-probability of the true label (probabilities clipped at 1e-15).</param>
/// <param name="ConfusionMatrix">Row counts by <c>[truth][predicted]</c> label index.</param>
/// <param name="Rows">The number of rows evaluated.</param>
public sealed record EvaluationReport(
    IReadOnlyList<string> Labels,
    IReadOnlyList<ClassMetrics> PerClass,
    double MacroF1,
    double Accuracy,
    double LogLoss,
    int[][] ConfusionMatrix,
    int Rows)
{
    // Log-loss clips probabilities as ML.NET's evaluator does, so one confident miss stays finite.
    private const double Epsilon = 1e-15;

    /// <summary>Figures from each row's true label and predicted probabilities (the most probable label is the prediction).</summary>
    /// <param name="labels">Label names in the order of the probability vectors.</param>
    /// <param name="truth">Index into <paramref name="labels"/> of each row's true label.</param>
    /// <param name="probabilities">Each row's probability per label.</param>
    public static EvaluationReport Compute(IReadOnlyList<string> labels, IReadOnlyList<int> truth, IReadOnlyList<float[]> probabilities)
    {
        if (truth.Count != probabilities.Count) throw new ArgumentException("One probability vector per row is needed.");
        var k = labels.Count;
        var matrix = new int[k][];
        for (var i = 0; i < k; i++) matrix[i] = new int[k];

        double logLoss = 0;
        for (var row = 0; row < truth.Count; row++)
        {
            var p = probabilities[row];
            var predicted = ArgMax(p);
            matrix[truth[row]][predicted]++;
            logLoss -= Math.Log(Math.Max(p[truth[row]], Epsilon));
        }

        return FromMatrix(labels, matrix, truth.Count == 0 ? 0 : logLoss / truth.Count);
    }

    /// <summary>Figures from a confusion matrix (rows = truth, columns = predicted).</summary>
    internal static EvaluationReport FromMatrix(IReadOnlyList<string> labels, int[][] matrix, double logLoss)
    {
        var k = labels.Count;
        var perClass = new List<ClassMetrics>(k);
        var total = 0;
        var correct = 0;
        for (var c = 0; c < k; c++)
        {
            var tp = matrix[c][c];
            var support = matrix[c].Sum();
            var predictedAs = Enumerable.Range(0, k).Sum(r => matrix[r][c]);
            var precision = predictedAs == 0 ? 0 : (double)tp / predictedAs;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(labels[c], precision, recall, f1, support));
            total += support;
            correct += tp;
        }

        return new EvaluationReport(labels, perClass, perClass.Average(m => m.F1),
            total == 0 ? 0 : (double)correct / total, logLoss, matrix, total);
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}
