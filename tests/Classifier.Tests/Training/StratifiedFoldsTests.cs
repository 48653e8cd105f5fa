using Classifier.Core.Training;

namespace Classifier.Tests.Training;

public sealed class StratifiedFoldsTests
{
    [Fact]
    public void every_class_appears_in_every_fold_in_its_proportion()
    {
        // 50 / 30 / 7 rows: the scarce label still lands in every one of 5 folds.
        var labels = Enumerable.Repeat("a", 50).Concat(Enumerable.Repeat("b", 30)).Concat(Enumerable.Repeat("c", 7)).ToArray();
        var folds = StratifiedFolds.Assign(labels, 5, seed: 3);

        foreach (var label in new[] { "a", "b", "c" })
        {
            var total = labels.Count(l => l == label);
            for (var f = 0; f < 5; f++)
            {
                var inFold = labels.Where((l, i) => l == label && folds[i] == f).Count();
                Assert.InRange(inFold, total / 5, total / 5 + 1);
            }
        }
        Assert.All(folds, f => Assert.InRange(f, 0, 4));
    }

    [Fact]
    public void the_same_seed_gives_the_same_folds_and_another_seed_other_folds()
    {
        var labels = Enumerable.Range(0, 200).Select(i => (i % 3).ToString()).ToArray();
        Assert.Equal(StratifiedFolds.Assign(labels, 4, 11), StratifiedFolds.Assign(labels, 4, 11));
        Assert.NotEqual(StratifiedFolds.Assign(labels, 4, 11), StratifiedFolds.Assign(labels, 4, 12));
    }
}
