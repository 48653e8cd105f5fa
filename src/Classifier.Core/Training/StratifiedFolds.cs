namespace Classifier.Core.Training;

/// <summary>
/// Stratified K-fold assignment (ML.NET has none): each label's rows are shuffled with the seed
/// and dealt round-robin, so every fold holds every label in its proportion, give or take one row.
/// </summary>
internal static class StratifiedFolds
{
    /// <returns>The fold (0..k-1) of each row.</returns>
    public static int[] Assign(IReadOnlyList<string> labels, int k, int seed) => Assign(labels, groups: null, k, seed);

    /// <summary>
    /// As <see cref="Assign(IReadOnlyList{string}, int, int)"/>, keeping rows with the same group key (the
    /// near-duplicate <see cref="Data.TextKey"/>) in one fold: each group is dealt as one unit, under the
    /// label of its first row. With every key distinct the assignment is the same as without groups.
    /// </summary>
    public static int[] Assign(IReadOnlyList<string> labels, IReadOnlyList<string>? groups, int k, int seed)
    {
        if (groups is not null && groups.Count != labels.Count) throw new ArgumentException("One group key per row is needed.", nameof(groups));
        if (k < 2) throw ClassifierException.Arguments($"--folds must be at least 2 (got {k}).");
        var fold = new int[labels.Count];
        var random = new Random(seed);
        var offset = 0;
        // Each unit is a row, or all rows sharing a group key (listed at its first row).
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var firsts = new List<int>();
        for (var i = 0; i < labels.Count; i++)
        {
            if (groups is null) { firsts.Add(i); continue; }
            if (!members.TryGetValue(groups[i], out var list)) { members[groups[i]] = list = []; firsts.Add(i); }
            list.Add(i);
        }
        foreach (var group in firsts.Select(index => (label: labels[index], index))
                     .GroupBy(x => x.label, StringComparer.Ordinal)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var indices = group.Select(x => x.index).ToArray();
            random.Shuffle(indices);
            // Start each label where the previous one stopped so remainders spread over folds.
            for (var i = 0; i < indices.Length; i++)
            {
                var f = (offset + i) % k;
                if (groups is null) fold[indices[i]] = f;
                else foreach (var member in members[groups[indices[i]]]) fold[member] = f;
            }
            offset = (offset + indices.Length) % k;
        }
        return fold;
    }
}
