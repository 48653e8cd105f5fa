namespace Classifier.Core.Training;

/// <summary>
/// Stratified K-fold assignment (ML.NET has none): each label's rows are shuffled with the seed
/// and dealt round-robin, so every fold holds every label in its proportion, give or take one row.
/// </summary>
internal static class StratifiedFolds
{
    /// <returns>The fold (0..k-1) of each row.</returns>
    public static int[] Assign(IReadOnlyList<string> labels, int k, int seed)
    {
        if (k < 2) throw ClassifierException.Arguments($"--folds must be at least 2 (got {k}).");
        var fold = new int[labels.Count];
        var random = new Random(seed);
        var offset = 0;
        foreach (var group in labels.Select((label, index) => (label, index))
                     .GroupBy(x => x.label, StringComparer.Ordinal)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var indices = group.Select(x => x.index).ToArray();
            random.Shuffle(indices);
            // Start each label where the previous one stopped so remainders spread over folds.
            for (var i = 0; i < indices.Length; i++) fold[indices[i]] = (offset + i) % k;
            offset = (offset + indices.Length) % k;
        }
        return fold;
    }
}
