using Classifier.Core;
using Classifier.Core.Model;
using Classifier.Core.Quantification;

namespace Classifier.Scoring.Tests.Shares;

public class EstimatorTests
{
    private static readonly double[][] Matrix =
    [
        [0.80, 0.10, 0.10],
        [0.20, 0.70, 0.10],
        [0.10, 0.20, 0.70],
    ];

    private static double[] Observe(double[][] conditional, double[] shares) =>
        Enumerable.Range(0, shares.Length).Select(p => Enumerable.Range(0, shares.Length).Sum(t => shares[t] * conditional[t][p])).ToArray();

    [Fact]
    public void adjusting_undoes_a_known_confusion_matrix_exactly()
    {
        double[] truth = [0.5, 0.3, 0.2];
        var observed = Observe(Matrix, truth);
        Assert.NotEqual(truth[0], observed[0], 3); // classify and count is off...
        var adjusted = ShareMath.Adjust(observed, Matrix);
        for (var i = 0; i < 3; i++) Assert.Equal(truth[i], adjusted[i], 9); // ...the adjustment is exact.
    }

    [Fact]
    public void adjusting_with_the_identity_keeps_the_observed_shares()
    {
        double[][] identity = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
        var adjusted = ShareMath.Adjust([0.2, 0.5, 0.3], identity);
        Assert.Equal([0.2, 0.5, 0.3], adjusted.Select(a => Math.Round(a, 12)));
    }

    [Fact]
    public void a_solution_outside_the_simplex_is_clipped_and_renormalized()
    {
        double[][] binary = [[0.9, 0.1], [0.2, 0.8]];
        // Fewer positives predicted than even a corpus with none would give: the raw solution is (1.07, -0.07).
        var adjusted = ShareMath.Adjust([0.95, 0.05], binary);
        Assert.Equal(1.0, adjusted[0], 12);
        Assert.Equal(0.0, adjusted[1], 12);

        var three = ShareMath.Adjust([0.9, 0.08, 0.02], Matrix);
        Assert.All(three, s => Assert.InRange(s, 0, 1));
        Assert.Equal(1.0, three.Sum(), 12);
        Assert.Equal(0.0, three[2], 12);
    }

    [Fact]
    public void a_label_the_classifier_never_predicts_still_gives_finite_shares()
    {
        double[][] singular = [[0.9, 0.1, 0], [0.3, 0.7, 0], [0.5, 0.5, 0]];
        var adjusted = ShareMath.Adjust([0.6, 0.4, 0], singular);
        Assert.All(adjusted, s => Assert.True(double.IsFinite(s) && s >= 0 && s <= 1));
        Assert.Equal(1.0, adjusted.Sum(), 9);
    }

    [Fact]
    public void quantiles_interpolate_between_neighbours()
    {
        double[] sorted = [1, 2, 3, 4, 5];
        Assert.Equal(1, ShareMath.Quantile(sorted, 0));
        Assert.Equal(3, ShareMath.Quantile(sorted, 0.5));
        Assert.Equal(1.1, ShareMath.Quantile(sorted, 0.025), 12);
        Assert.Equal(5, ShareMath.Quantile(sorted, 1));
    }

    [Theory]
    [InlineData(ShareMethod.Pacc)]
    [InlineData(ShareMethod.Acc)]
    public void shares_are_corrected_toward_the_true_mix_when_the_error_rates_hold(ShareMethod method)
    {
        var stats = Synthetic.Stats(perLabel: 1500);
        double[] mix = [0.15, 0.15, 0.70];
        var results = Synthetic.Estimate(stats, Synthetic.Corpus(mix, 6000, seed: 3), new ShareOptions { Method = method, Replicates = 400 });
        var overall = results.Overall;
        Assert.Equal(6000, overall.N);
        for (var l = 0; l < 3; l++)
        {
            var e = overall.Labels[l];
            Assert.True(Math.Abs(e.Share!.Value - mix[l]) < Math.Abs(e.CcShare!.Value - mix[l]), $"{e.Label}: share {e.Share} is not closer to {mix[l]} than cc {e.CcShare}");
            Assert.InRange(mix[l], e.CiLow!.Value, e.CiHigh!.Value);
            Assert.True(e.CiLow <= e.Share && e.Share <= e.CiHigh);
        }
        Assert.Equal(1.0, overall.Labels.Sum(l => l.Share!.Value), 9);
    }

    [Fact]
    public void intervals_cover_the_true_share_about_as_often_as_they_claim_when_the_error_rates_hold()
    {
        var stats = Synthetic.Stats(perLabel: 800);
        var pool = Synthetic.Corpus([1 / 3.0, 1 / 3.0, 1 / 3.0], 30_000, seed: 11);
        var outcome = ShiftedMixes.Run(stats, Synthetic.Labels, pool, [0.15, 0.70, 0.15], samples: 200, size: 300, new ShareOptions { Replicates = 400 }, seed: 5);
        Assert.InRange(outcome.CoverageAll, 0.90, 1.0);
        Assert.True(outcome.ShareMaeAll < outcome.CcMaeAll, $"MAE share {outcome.ShareMaeAll:0.000} vs cc {outcome.CcMaeAll:0.000}");
    }

    [Fact]
    public void the_same_seed_gives_identical_intervals_and_another_seed_other_ones()
    {
        var stats = Synthetic.Stats(perLabel: 300);
        var corpus = Synthetic.Corpus([0.5, 0.3, 0.2], 500, seed: 2);
        var first = Synthetic.Estimate(stats, corpus, new ShareOptions { Seed = 42 });
        var again = Synthetic.Estimate(stats, corpus, new ShareOptions { Seed = 42 });
        var other = Synthetic.Estimate(stats, corpus, new ShareOptions { Seed = 43 });
        Assert.Equal(first.Overall.Labels, again.Overall.Labels);
        Assert.NotEqual(first.Overall.Labels.Select(l => l.CiLow), other.Overall.Labels.Select(l => l.CiLow));
        // The point estimates do not depend on the seed, only the intervals do.
        Assert.Equal(first.Overall.Labels.Select(l => l.Share), other.Overall.Labels.Select(l => l.Share));
    }

    [Fact]
    public void a_group_smaller_than_the_minimum_gets_a_note_and_no_numbers()
    {
        var stats = Synthetic.Stats(perLabel: 100);
        var estimator = new ShareEstimator(stats, Synthetic.Labels, new ShareOptions { MinGroupSize = 30, Replicates = 50 }, "x.card.json");
        var random = new Random(1);
        for (var i = 0; i < 40; i++) estimator.Add("big", "", Synthetic.Draw(random, i % 3).Predicted, Synthetic.Draw(random, i % 3).Probabilities);
        for (var i = 0; i < 29; i++) estimator.Add("small", "", 0, [0.9f, 0.05f, 0.05f]);
        var results = estimator.Finish();
        var small = results.Groups.Single(g => g.Group == "small");
        Assert.Equal(29, small.N);
        Assert.False(small.Estimated);
        Assert.All(small.Labels, l => Assert.True(l.CcShare is null && l.Share is null && l.CiLow is null && l.CiHigh is null));
        Assert.Contains("fewer than 30", small.Note);
        Assert.True(results.Groups.Single(g => g.Group == "big").Estimated);
        Assert.Equal(69, results.Overall.N);
    }

    [Fact]
    public void the_card_statistics_round_trip_through_json_to_four_decimals()
    {
        var labels = Synthetic.Labels;
        int[] truth = [0, 1, 2, 2, 1];
        float[][] probabilities = [[0.91234f, 0.05f, 0.03766f], [0.2f, 0.5f, 0.3f], [0.1f, 0.6f, 0.3f], [0f, 0f, 1f], [0.33333f, 0.33333f, 0.33334f]];
        var stats = QuantificationStats.FromOutOfFold(labels, truth, probabilities, folds: 5);
        Assert.Equal([1, 2, 2], stats.RowsPerLabel);
        Assert.Equal(0.5, stats.Confusion[2][1], 12); // one of the two pro-privacy rows was predicted pro-access
        Assert.Equal((0.6 + 0) / 2, stats.MeanProbabilities[2][1], 6);

        var json = System.Text.Json.JsonSerializer.Serialize(stats, ModelCard.Json);
        var back = System.Text.Json.JsonSerializer.Deserialize<QuantificationStats>(json, ModelCard.Json)!;
        var rows = back.Check(labels, "x.card.json");
        Assert.Equal(5, rows.Count);
        Assert.Equal(2, rows[2].Truth);
        Assert.Equal(1, rows[2].Predicted);
        Assert.Equal(0.9123f, rows[0].Probabilities[0], 5);
        Assert.Equal(1f, rows[3].Probabilities[2]);
    }

    [Fact]
    public void statistics_for_other_labels_are_refused_naming_the_card()
    {
        var stats = Synthetic.Stats(perLabel: 10);
        var e = Assert.Throws<ClassifierException>(() => new ShareEstimator(stats, ["a", "b", "c"], new ShareOptions(), "models/m.card.json"));
        Assert.Equal(FailureKind.BadModel, e.Kind);
        Assert.StartsWith("models/m.card.json: ", e.Message);
        Assert.Contains("retrain", e.Message);
    }

    [Fact]
    public void poisson_weights_average_one_and_repeat_for_the_same_seed_and_position()
    {
        var weights = new double[1000];
        double sum = 0, squares = 0;
        long n = 0;
        for (var position = 0; position < 200; position++)
        {
            PoissonWeights.Fill(7, position, weights);
            foreach (var w in weights)
            {
                sum += w;
                squares += w * w;
                n++;
            }
        }
        var mean = sum / n;
        Assert.InRange(mean, 0.99, 1.01);
        Assert.InRange(squares / n - mean * mean, 0.97, 1.03); // Poisson(1): variance 1
        var again = new double[1000];
        PoissonWeights.Fill(7, 199, again);
        Assert.Equal(weights, again);
    }

    [Fact]
    public void weights_are_keyed_by_position_and_unit_so_the_order_texts_arrive_in_changes_nothing()
    {
        var unit0 = new double[64];
        var plain = new double[64];
        var unit1 = new double[64];
        PoissonWeights.Fill(3, 1234, 0, unit0);
        PoissonWeights.Fill(3, 1234, plain);
        PoissonWeights.Fill(3, 1234, 1, unit1);
        Assert.Equal(plain, unit0);
        Assert.NotEqual(unit0, unit1);

        var stats = Synthetic.Stats(perLabel: 200);
        var corpus = Synthetic.Corpus([0.4, 0.4, 0.2], 900, seed: 8);
        ShareResults Estimate(IEnumerable<int> order)
        {
            var estimator = new ShareEstimator(stats, Synthetic.Labels, new ShareOptions { Replicates = 300 }, "card");
            foreach (var i in order) estimator.Add(i % 2 == 0 ? "even" : "odd", "", 1000L * i, i % 3, corpus[i].Predicted, corpus[i].Probabilities);
            return estimator.Finish();
        }
        var forward = Estimate(Enumerable.Range(0, corpus.Length));
        var backward = Estimate(Enumerable.Range(0, corpus.Length).Reverse());
        Assert.Equal(forward.Groups.SelectMany(g => g.Labels), backward.Groups.SelectMany(g => g.Labels));
    }

    [Fact]
    public void saved_states_of_the_parts_of_a_corpus_add_up_to_the_whole_corpus_to_the_bit()
    {
        var stats = Synthetic.Stats(perLabel: 200);
        var corpus = Synthetic.Corpus([0.2, 0.5, 0.3], 1500, seed: 9);
        var options = new ShareOptions { Replicates = 250, MinGroupSize = 5 };
        void Feed(ShareEstimator estimator, int from, int to)
        {
            for (var i = from; i < to; i++) estimator.Add($"g{i % 4}", i % 5 == 0 ? "" : "2019", i, 0, corpus[i].Predicted, corpus[i].Probabilities, i % 5 == 0 ? "undated" : "");
        }
        var whole = new ShareEstimator(stats, Synthetic.Labels, options, "card");
        Feed(whole, 0, corpus.Length);

        var merged = new ShareEstimator(stats, Synthetic.Labels, options, "card");
        foreach (var (from, to) in new[] { (0, 400), (400, 401), (401, 1500) })
        {
            var part = new ShareEstimator(stats, Synthetic.Labels, options, "card");
            Feed(part, from, to);
            using var bytes = new MemoryStream();
            using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) part.WriteState(writer);
            bytes.Position = 0;
            using var reader = new BinaryReader(bytes);
            merged.AddState(reader);
        }

        var expected = whole.Finish();
        var actual = merged.Finish();
        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(expected.Groups.Select(g => (g.Group, g.Period, g.N, g.Note)), actual.Groups.Select(g => (g.Group, g.Period, g.N, g.Note)));
        Assert.Equal(expected.Groups.SelectMany(g => g.Labels), actual.Groups.SelectMany(g => g.Labels));
        Assert.Equal(expected.Overall.Labels, actual.Overall.Labels);
    }

    [Fact]
    public void a_state_cut_short_is_refused_as_invalid_data()
    {
        var stats = Synthetic.Stats(perLabel: 50);
        var part = new ShareEstimator(stats, Synthetic.Labels, new ShareOptions { Replicates = 20 }, "card");
        part.Add("a", "", 0, 0, 1, [0.2f, 0.5f, 0.3f]);
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) part.WriteState(writer);
        var cut = bytes.ToArray()[..^10];
        var merged = new ShareEstimator(stats, Synthetic.Labels, new ShareOptions { Replicates = 20 }, "card");
        using var reader = new BinaryReader(new MemoryStream(cut));
        Assert.Throws<InvalidDataException>(() => merged.AddState(reader));
    }
}
