using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Quantification;
using Classifier.Core.Scoring;
using Xunit.Abstractions;

namespace Classifier.Scoring.Tests.Shares;

/// <summary>
/// The issue's proof on real text: samples of data/stance-test.csv with shifted label mixes, scored by a
/// model trained on data/stance.csv. The error rates come from one half of the test file (per label) and
/// the samples from the other half, so the estimator's assumption (the same error rates in the corpus as
/// where they were measured) holds. With the card's cross-validation error rates it does not hold on this
/// file, whose text the model finds easier than its training data (docs/shares.md has both sets of figures).
/// </summary>
[Collection(WordModelCollection.Name)]
public sealed class ShiftedMixTests(WordModel model, ITestOutputHelper output)
{
    private const int Samples = 200;
    private const int Size = 300;

    public static TheoryData<double, double, double> Mixes => new()
    {
        { 0.70, 0.15, 0.15 },
        { 0.15, 0.70, 0.15 },
        { 0.15, 0.15, 0.70 },
        { 0.33, 0.33, 0.34 },
    };

    [Theory]
    [MemberData(nameof(Mixes))]
    public void on_shifted_mixes_the_corrected_share_beats_classify_and_count_and_the_interval_covers_the_truth(double neutral, double access, double privacy)
    {
        var loaded = ModelStore.Load(model.Path);
        var data = LabeledCsv.Read(Repo.File("data", "stance-test.csv"));
        var pool = ShiftedMixes.Pool(new BatchScorer(loaded), data.Rows, data.Path);
        var (calibration, samples) = ShiftedMixes.Halves(pool, seed: 20191004);
        var stats = ShiftedMixes.StatsOf(loaded.Labels, calibration, "half of data/stance-test.csv");

        double[] mix = [neutral, access, privacy];
        var outcome = ShiftedMixes.Run(stats, loaded.Labels, samples, mix, Samples, Size, new ShareOptions(), seed: 20191004);

        // Sampling noise: the standard error of one label's share in one sample, at the mix's most uncertain label.
        var noise = mix.Max(p => Math.Sqrt(p * (1 - p) / Size));
        output.WriteLine($"mix {string.Join("/", mix)}: MAE cc {outcome.CcMaeAll:0.000}, share {outcome.ShareMaeAll:0.000}, coverage {outcome.CoverageAll:P1}, noise {noise:0.000}");
        var difference = outcome.ShareMaeAll - outcome.CcMaeAll;
        if (Math.Abs(difference) > noise) Assert.True(difference < 0, $"classify and count beat the correction by {difference:0.000}");
        // Where the correction does not help, it must not hurt by more than the noise either (no over-correction).
        Assert.True(difference < noise, $"the correction is worse than classify and count by {difference:0.000}");
        Assert.True(outcome.CoverageAll >= 0.90, $"95% intervals covered the true share in {outcome.CoverageAll:P1} of {Samples} samples x 3 labels");
    }

    [Fact]
    public void where_classify_and_count_is_far_off_the_correction_removes_much_of_its_error()
    {
        var loaded = ModelStore.Load(model.Path);
        var data = LabeledCsv.Read(Repo.File("data", "stance-test.csv"));
        var pool = ShiftedMixes.Pool(new BatchScorer(loaded), data.Rows, data.Path);
        var (calibration, samples) = ShiftedMixes.Halves(pool, seed: 20191004);
        var stats = ShiftedMixes.StatsOf(loaded.Labels, calibration, "half of data/stance-test.csv");

        var outcome = ShiftedMixes.Run(stats, loaded.Labels, samples, [0.15, 0.15, 0.70], Samples, Size, new ShareOptions(), seed: 1);

        output.WriteLine($"15/15/70: mean cc {string.Join(", ", outcome.MeanCcShare.Select(s => s.ToString("0.000")))}, mean share {string.Join(", ", outcome.MeanShare.Select(s => s.ToString("0.000")))}");
        Assert.True(outcome.CcMae[2] > 0.05, "the classifier under-counts the dominant label by more than 5 points");
        // Measured on the 10,310-row data: 0.068 against 0.128 (the first round's model: 0.024 against 0.071).
        Assert.True(outcome.ShareMae[2] < outcome.CcMae[2] * 0.6, $"share MAE {outcome.ShareMae[2]:0.000} vs cc {outcome.CcMae[2]:0.000}");
        Assert.True(Math.Abs(outcome.MeanShare[2] - 0.70) < Math.Abs(outcome.MeanCcShare[2] - 0.70) * 0.6);
    }
}
