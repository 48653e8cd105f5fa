using Classifier.Core.Evaluation;

namespace Classifier.Tests.Training;

/// <summary>Per-group figures (the dev file by register) worked out by hand.</summary>
public sealed class GroupMetricsTests
{
    private static readonly string[] Labels = ["neutral", "pro-access", "pro-privacy"];

    private static float[] P(int label) => [.. Enumerable.Range(0, 3).Select(i => i == label ? 0.8f : 0.1f)];

    [Fact]
    public void each_group_gets_its_own_accuracy_and_macro_f1()
    {
        // court: truth a,a,p,n predicted a,p,p,n -> access F1 2/3, privacy F1 2/3, neutral F1 1 -> macro 7/9; accuracy 3/4.
        // offtopic: truth n,n predicted n,a -> only neutral has true rows: precision 1, recall 1/2, F1 2/3; accuracy 1/2.
        int[] truth = [1, 1, 2, 0, 0, 0];
        float[][] probabilities = [P(1), P(2), P(2), P(0), P(0), P(1)];
        string[] groups = ["court", "court", "court", "court", "offtopic", "offtopic"];

        var figures = GroupMetrics.Compute(Labels, truth, probabilities, groups);

        Assert.Equal(["court", "offtopic"], figures.Select(f => f.Group));
        Assert.Equal((4, 0.75), (figures[0].Rows, figures[0].Accuracy));
        Assert.Equal(7.0 / 9, figures[0].MacroF1, 12);
        Assert.Equal((2, 0.5), (figures[1].Rows, figures[1].Accuracy));
        Assert.Equal(2.0 / 3, figures[1].MacroF1, 12);
    }

    [Fact]
    public void mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => GroupMetrics.Compute(Labels, [0], [P(0)], ["a", "b"]));
    }
}
