using Classifier.Core.Evaluation;

namespace Classifier.Tests.Training;

public sealed class EvaluationReportTests
{
    [Fact]
    public void metrics_agree_with_a_confusion_matrix_worked_out_by_hand()
    {
        string[] labels = ["a", "b", "c"];
        // truth a: predicted a,a,b ; truth b: b,b,b,c ; truth c: a,c
        int[] truth = [0, 0, 0, 1, 1, 1, 1, 2, 2];
        int[] predicted = [0, 0, 1, 1, 1, 1, 2, 0, 2];
        var probabilities = predicted.Select((p, i) =>
        {
            var v = new float[] { 0.1f, 0.1f, 0.1f };
            v[p] = 0.8f;
            return v;
        }).ToArray();

        var report = EvaluationReport.Compute(labels, truth, probabilities);

        Assert.Equal(new[] { new[] { 2, 1, 0 }, new[] { 0, 3, 1 }, new[] { 1, 0, 1 } }, report.ConfusionMatrix);
        // a: P = 2/3, R = 2/3 ; b: P = 3/4, R = 3/4 ; c: P = 1/2, R = 1/2
        Assert.Equal(2.0 / 3, report.PerClass[0].Precision, 9);
        Assert.Equal(2.0 / 3, report.PerClass[0].Recall, 9);
        Assert.Equal(0.75, report.PerClass[1].F1, 9);
        Assert.Equal(0.5, report.PerClass[2].F1, 9);
        Assert.Equal((2.0 / 3 + 0.75 + 0.5) / 3, report.MacroF1, 9);
        Assert.Equal(6.0 / 9, report.Accuracy, 9);
        // log-loss: six rows put 0.8 on the truth, three put 0.1 on it.
        Assert.Equal(-(6 * Math.Log(0.8f) + 3 * Math.Log(0.1f)) / 9, report.LogLoss, 6);
        Assert.Equal(new[] { 3, 4, 2 }, report.PerClass.Select(c => c.Support));
    }

    [Fact]
    public void a_class_never_predicted_has_zero_precision_not_an_error()
    {
        var report = EvaluationReport.Compute(["a", "b"], [0, 1], [[0.9f, 0.1f], [0.6f, 0.4f]]);
        Assert.Equal(0, report.PerClass[1].Precision);
        Assert.Equal(0, report.PerClass[1].F1);
        Assert.Equal(0.5, report.Accuracy);
    }

    [Fact]
    public void fold_summary_gives_mean_and_sample_sd_and_sums_the_matrices()
    {
        var f1 = EvaluationReport.FromMatrix(["a", "b"], [[2, 0], [0, 2]], 0.1);
        var f2 = EvaluationReport.FromMatrix(["a", "b"], [[1, 1], [1, 1]], 0.7);
        var cv = CrossValidationSummary.From([f1, f2], seconds: 1);
        Assert.Equal(0.75, cv.Accuracy.Mean, 9);
        Assert.Equal(Math.Sqrt(0.125), cv.Accuracy.Sd, 9);
        Assert.Equal(new[] { new[] { 3, 1 }, new[] { 1, 3 } }, cv.ConfusionMatrix);
        Assert.Equal(0.4, cv.LogLoss.Mean, 9);
    }
}
