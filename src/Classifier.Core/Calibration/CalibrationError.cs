using Classifier.Core.Evaluation;

namespace Classifier.Core.Calibration;

/// <summary>
/// Expected calibration error on top-label confidence: rows go into equal-width confidence bins
/// ([0,0.1), [0.1,0.2) … [0.9,1.0]); ECE = Σ (rows in bin / rows) × |accuracy in bin − mean confidence in bin|.
/// 0 means "70 % sure" is right 70 % of the time.
/// </summary>
internal static class CalibrationError
{
    public const int DefaultBins = 10;

    /// <param name="truth">Index of each row's true label.</param>
    /// <param name="probabilities">Each row's probability per label.</param>
    /// <param name="bins">Equal-width confidence bins.</param>
    public static double Expected(IReadOnlyList<int> truth, IReadOnlyList<float[]> probabilities, int bins = DefaultBins)
    {
        if (truth.Count != probabilities.Count) throw new ArgumentException("One probability vector per row is needed.");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins));
        if (truth.Count == 0) return 0;

        var count = new int[bins];
        var correct = new int[bins];
        var confidence = new double[bins];
        for (var row = 0; row < truth.Count; row++)
        {
            var p = probabilities[row];
            var top = EvaluationReport.ArgMax(p);
            var bin = Math.Clamp((int)(p[top] * bins), 0, bins - 1);
            count[bin]++;
            confidence[bin] += p[top];
            if (top == truth[row]) correct[bin]++;
        }

        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] == 0) continue;
            ece += (double)count[b] / truth.Count * Math.Abs((double)correct[b] / count[b] - confidence[b] / count[b]);
        }
        return ece;
    }
}
