using Classifier.Core.Calibration;

namespace Classifier.Tests.Calibration;

public sealed class CalibrationTests
{
    [Fact]
    public void expected_calibration_error_matches_a_hand_worked_example()
    {
        // Five rows, labels 0/1/2. Top-label confidences and bins (10 equal-width bins):
        //   row 0: 0.95 → bin 9, right     row 1: 0.90 → bin 9, wrong
        //   row 2: 0.65 → bin 6, right     row 3: 0.60 → bin 6, right
        //   row 4: 0.40 → bin 4, wrong
        // bin 9: 2 rows, accuracy 0.5, mean confidence 0.925 → |0.5 − 0.925| = 0.425, weight 2/5
        // bin 6: 2 rows, accuracy 1.0, mean confidence 0.625 → 0.375, weight 2/5
        // bin 4: 1 row,  accuracy 0.0, mean confidence 0.40  → 0.40,  weight 1/5
        // ECE = 0.4 × 0.425 + 0.4 × 0.375 + 0.2 × 0.40 = 0.17 + 0.15 + 0.08 = 0.40
        var probabilities = new[]
        {
            new[] { 0.95f, 0.03f, 0.02f },
            new[] { 0.05f, 0.90f, 0.05f },
            new[] { 0.20f, 0.15f, 0.65f },
            new[] { 0.60f, 0.30f, 0.10f },
            new[] { 0.30f, 0.30f, 0.40f },
        };
        var truth = new[] { 0, 0, 2, 0, 1 };

        Assert.Equal(0.40, CalibrationError.Expected(truth, probabilities), precision: 6);
    }

    [Fact]
    public void a_perfectly_calibrated_bin_has_no_error()
    {
        // Four rows at confidence 0.75, three right: accuracy equals confidence.
        var p = new[] { 0.75f, 0.25f };
        Assert.Equal(0, CalibrationError.Expected([0, 0, 0, 1], [p, p, p, p]), precision: 6);
    }

    [Fact]
    public void temperature_one_changes_nothing_and_never_changes_the_top_label()
    {
        var p = new[] { 0.7f, 0.2f, 0.1f };
        Assert.Equal(p, TemperatureScaling.Apply(p, 1.0), new FloatTolerance(1e-6f));
        foreach (var t in new[] { 0.3, 2.0, 5.0 })
        {
            var scaled = TemperatureScaling.Apply(p, t);
            Assert.Equal(1.0, scaled.Sum(), precision: 5);
            Assert.Equal(0, Array.IndexOf(scaled, scaled.Max()));
        }
    }

    [Fact]
    public void an_over_confident_model_gets_a_temperature_above_one()
    {
        // Always 99 % sure, right only 70 % of the time: softening (T > 1) lowers log-loss and ECE.
        var p = new[] { 0.99f, 0.01f };
        var q = new[] { 0.01f, 0.99f };
        var probabilities = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? p : q).ToArray();
        var truth = Enumerable.Range(0, 100).Select(i => (i % 10 < 7) == (i % 2 == 0) ? 0 : 1).ToArray();

        var t = TemperatureScaling.Fit(truth, probabilities);

        Assert.True(t > 1, $"T = {t}");
        Assert.True(CalibrationError.Expected(truth, TemperatureScaling.Apply(probabilities, t)) < CalibrationError.Expected(truth, probabilities));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
