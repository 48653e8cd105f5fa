namespace Classifier.Core.Calibration;

/// <summary>
/// Temperature scaling of probability vectors: q_i ∝ p_i^(1/T), which is softmax(logits / T) for a
/// softmax model. T &gt; 1 softens over-confident models, T &lt; 1 sharpens under-confident ones; the
/// top label never changes, so accuracy and F1 stay as they are.
/// </summary>
internal static class TemperatureScaling
{
    private const double Floor = 1e-12;

    public static float[] Apply(ReadOnlySpan<float> probabilities, double temperature)
    {
        var logs = new double[probabilities.Length];
        var max = double.NegativeInfinity;
        for (var i = 0; i < logs.Length; i++)
        {
            logs[i] = Math.Log(Math.Max(probabilities[i], Floor)) / temperature;
            max = Math.Max(max, logs[i]);
        }
        double sum = 0;
        for (var i = 0; i < logs.Length; i++) sum += logs[i] = Math.Exp(logs[i] - max);
        var scaled = new float[logs.Length];
        for (var i = 0; i < logs.Length; i++) scaled[i] = (float)(logs[i] / sum);
        return scaled;
    }

    public static IReadOnlyList<float[]> Apply(IReadOnlyList<float[]> probabilities, double temperature) =>
        probabilities.Select(p => Apply(p, temperature)).ToArray();

    /// <summary>The temperature in [0.05, 20] that minimizes log-loss (golden-section search on log T; log-loss is unimodal in it).</summary>
    public static double Fit(IReadOnlyList<int> truth, IReadOnlyList<float[]> probabilities)
    {
        double lo = Math.Log(0.05), hi = Math.Log(20);
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
        double fa = LogLoss(truth, probabilities, Math.Exp(a)), fb = LogLoss(truth, probabilities, Math.Exp(b));
        for (var i = 0; i < 60; i++)
        {
            if (fa < fb) { hi = b; b = a; fb = fa; a = hi - ratio * (hi - lo); fa = LogLoss(truth, probabilities, Math.Exp(a)); }
            else { lo = a; a = b; fa = fb; b = lo + ratio * (hi - lo); fb = LogLoss(truth, probabilities, Math.Exp(b)); }
        }
        return Math.Exp((lo + hi) / 2);
    }

    public static double LogLoss(IReadOnlyList<int> truth, IReadOnlyList<float[]> probabilities, double temperature)
    {
        double loss = 0;
        for (var row = 0; row < truth.Count; row++)
            loss -= Math.Log(Math.Max(Apply(probabilities[row], temperature)[truth[row]], 1e-15));
        return truth.Count == 0 ? 0 : loss / truth.Count;
    }
}
