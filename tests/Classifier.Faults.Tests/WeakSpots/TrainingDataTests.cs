using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Faults.Tests.Support;
using Classifier.Tests.Support;

namespace Classifier.Faults.Tests.WeakSpots;

/// <summary>Reproduction 14: label spellings, exact duplicates and near-duplicates before cross-validation.</summary>
public sealed class TrainingDataTests : IDisposable
{
    private readonly Commands run = new();

    public void Dispose() => run.Dispose();

    private string WithVariants()
    {
        var rows = Fixtures.Rows().Select((r, i) => r.Label == "pro-access" && i % 4 == 0 ? new LabeledExample(r.Text, i % 8 == 0 ? "Pro-Access" : " pro-access ") : r);
        return run.Write("variants.csv", Fixtures.Csv(rows));
    }

    [Fact]
    public void labels_that_differ_only_in_case_or_spaces_are_merged_with_a_warning_listing_them()
    {
        var code = run.Train("--data", WithVariants(), "--test", "none", "--ood", "none", "--folds", "2", "--model", run.PathOf("m.zip"));

        Assert.True(code == 0, run.Stderr);
        Assert.Contains("warning: labels that differ only in case", run.Stdout);
        Assert.Contains("'Pro-Access'", run.Stdout);
        Assert.Equal(["neutral", "pro-access", "pro-privacy"], ModelCard.TryRead(run.PathOf("m.zip"))!.Labels);
    }

    [Fact]
    public void strict_labels_makes_case_variants_an_error_naming_the_file_and_column()
    {
        var data = WithVariants();

        Assert.Equal(ExitCodes.BadInput, run.Train("--data", data, "--test", "none", "--ood", "none", "--folds", "2", "--model", run.PathOf("m.zip"), "--strict-labels"));
        Assert.StartsWith($"error: {data}: column 'label': labels differ only in case", run.Stderr);
        Assert.False(File.Exists(run.PathOf("m.zip")));
    }

    [Fact]
    public void exact_duplicates_are_removed_before_cross_validation_with_a_warning_saying_how_many()
    {
        var rows = Fixtures.Rows();
        var tripled = run.Write("tripled.csv", Fixtures.Csv(rows.Concat(rows).Concat(rows)));

        Assert.Equal(0, run.Train("--data", tripled, "--test", "none", "--ood", "none", "--folds", "2", "--model", run.PathOf("m.zip")));

        Assert.Contains($"removed {2 * rows.Count} exact duplicate rows", run.Stdout);
        Assert.Equal(rows.Count, ModelCard.TryRead(run.PathOf("m.zip"))!.Training.Rows);
    }

    [Fact]
    public void near_duplicates_land_in_the_same_fold()
    {
        var texts = new[] { "Police need warrants!", "police need WARRANTS", "Backdoors weaken us.", "backdoors, weaken us", "A", "B", "C", "D" };
        var labels = new[] { "a", "a", "b", "b", "a", "b", "a", "b" };

        for (var seed = 0; seed < 20; seed++)
        {
            var fold = StratifiedFolds.Assign(labels, texts.Select(TextKey.Of).ToArray(), 2, seed);
            Assert.Equal(fold[0], fold[1]);
            Assert.Equal(fold[2], fold[3]);
        }
        // Without near-duplicates the assignment is the one the ungrouped method gives.
        var distinct = new[] { "a", "b", "c", "d", "e", "f", "g", "h" };
        Assert.Equal(StratifiedFolds.Assign(labels, 2, 5), StratifiedFolds.Assign(labels, distinct, 2, 5));
    }
}
