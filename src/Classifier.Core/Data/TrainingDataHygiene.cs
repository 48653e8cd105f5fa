namespace Classifier.Core.Data;

/// <summary>Label spellings merged into one label: the spelling kept and every variant with its row count.</summary>
internal sealed record LabelMerge(string Kept, IReadOnlyList<(string Variant, int Rows)> Variants)
{
    /// <summary>"'pro-access' (30 rows), 'Pro-Access' (2 rows)".</summary>
    public string Describe() => string.Join(", ", Variants.Select(v => $"'{v.Variant}' ({v.Rows} row{(v.Rows == 1 ? "" : "s")})"));
}

/// <summary>
/// What training does to labeled rows before cross-validation: labels that differ only in case or
/// surrounding spaces are one label (the spelling most training rows use is kept), and exact
/// duplicate rows (same text, same label) are kept once, so no row sits in a training fold and in
/// its test fold at the same time.
/// </summary>
internal static class TrainingDataHygiene
{
    /// <summary>The key labels are compared by: trimmed and case-folded.</summary>
    public static string LabelKey(string label) => label.Trim().ToUpperInvariant().ToLowerInvariant();

    /// <summary>
    /// Maps every label of the files to one spelling per <see cref="LabelKey"/>, chosen by the training
    /// rows (most rows, ties to the ordinal-first spelling); returns the files rewritten and the merges made.
    /// </summary>
    public static (IReadOnlyList<LabeledData> Files, IReadOnlyList<LabelMerge> Merges) FoldLabels(IReadOnlyList<LabeledData> files)
    {
        var spellings = files.SelectMany((f, i) => f.Rows.Select(r => (r.Label, Training: i == 0)))
            .GroupBy(x => LabelKey(x.Label), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(x => x.Label, StringComparer.Ordinal)
                .Select(v => (Variant: v.Key, Training: v.Count(x => x.Training), Rows: v.Count()))
                .OrderByDescending(v => v.Training).ThenByDescending(v => v.Rows).ThenBy(v => v.Variant, StringComparer.Ordinal)
                .ToArray(), StringComparer.Ordinal);
        var merges = spellings.Values.Where(v => v.Length > 1)
            .Select(v => new LabelMerge(v[0].Variant, [.. v.Select(x => (x.Variant, x.Rows))]))
            .OrderBy(m => m.Kept, StringComparer.Ordinal)
            .ToArray();
        if (merges.Length == 0) return (files, merges);
        var kept = spellings.ToDictionary(p => p.Key, p => p.Value[0].Variant, StringComparer.Ordinal);
        var rewritten = files.Select(f => new LabeledData(f.Path,
            [.. f.Rows.Select(r => new LabeledExample(r.Text, kept[LabelKey(r.Label)]))], f.SkippedEmptyText, f.SkippedEmptyLabel)).ToArray();
        return (rewritten, merges);
    }

    /// <summary>Keeps the first of rows with the same text (ordinal) and label; returns the data and how many were removed.</summary>
    public static (LabeledData Data, int Removed) RemoveExactDuplicates(LabeledData data)
    {
        var seen = new HashSet<(string, string)>();
        var rows = data.Rows.Where(r => seen.Add((r.Text, r.Label))).ToArray();
        return rows.Length == data.Rows.Count ? (data, 0) : (new LabeledData(data.Path, rows, data.SkippedEmptyText, data.SkippedEmptyLabel), data.Rows.Count - rows.Length);
    }
}
