namespace Classifier.Core.Trust;

/// <summary>Who coded what: items × coders, label indices into <see cref="Labels"/>, <see cref="AgreementStatistics.Missing"/> where not coded.</summary>
/// <param name="Path">The file read.</param>
/// <param name="ItemIds">Each item's id: the 1-based data row (wide format) or the item column's value (long format).</param>
/// <param name="Texts">Each item's text, or null when the file has no text column.</param>
/// <param name="Coders">Coder names, in column (or first-seen) order.</param>
/// <param name="Labels">The labels used, ordinal-sorted.</param>
/// <param name="Ratings">The codes.</param>
internal sealed record CodingTable(string Path, IReadOnlyList<string> ItemIds, IReadOnlyList<string>? Texts, IReadOnlyList<string> Coders, IReadOnlyList<string> Labels, int[,] Ratings)
{
    /// <summary>
    /// Wide format: one row per item, one column per coder (<paramref name="coderColumns"/>); an empty cell is
    /// an item that coder did not code. The text column is optional unless <paramref name="needText"/>.
    /// </summary>
    public static CodingTable ReadWide(string path, IReadOnlyList<string> coderColumns, string textColumn, bool needText)
    {
        if (coderColumns.Count < 2) throw ClassifierException.Arguments($"--annotators needs two or more columns (got {coderColumns.Count}).");
        var dupe = coderColumns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dupe is not null) throw ClassifierException.Arguments($"--annotators names '{dupe.Key}' twice.");
        var table = CsvTable.Read(path);
        var columns = coderColumns.Select(c => table.Column(c, "annotator")).ToArray();
        var textIndex = needText ? table.Column(textColumn, "text") : table.IndexOf(textColumn);
        var codes = table.Rows.Select(r => columns.Select(c => r[c].Trim()).ToArray()).ToArray();
        var labels = codes.SelectMany(c => c).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var ratings = new int[codes.Length, columns.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            for (var c = 0; c < columns.Length; c++) ratings[i, c] = codes[i][c].Length == 0 ? AgreementStatistics.Missing : index[codes[i][c]];
        }
        var result = new CodingTable(path, [.. Enumerable.Range(1, codes.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            textIndex is { } t ? [.. table.Rows.Select(r => r[t])] : null,
            [.. columns.Select(c => table.Headers[c].Trim())], labels, ratings);
        return result.Checked();
    }

    /// <summary>
    /// Long format: one row per code with item, annotator and label columns (and optionally a text column,
    /// whose first non-empty value per item is the item's text). A coder coding one item twice with
    /// different labels is an error naming the row.
    /// </summary>
    public static CodingTable ReadLong(string path, string itemColumn, string annotatorColumn, string labelColumn, string textColumn, bool needText)
    {
        var table = CsvTable.Read(path);
        var item = table.Column(itemColumn, "item");
        var annotator = table.Column(annotatorColumn, "annotator");
        var label = table.Column(labelColumn, "label");
        var text = needText ? table.Column(textColumn, "text") : table.IndexOf(textColumn);
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        var coders = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new SortedSet<string>(StringComparer.Ordinal);
        var texts = new List<string>();
        var codes = new Dictionary<(int Item, int Coder), (string Label, int Row)>();
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            var (id, who, code) = (row[item].Trim(), row[annotator].Trim(), row[label].Trim());
            if (id.Length == 0) throw ClassifierException.Input($"{path}: row {r + 1}, column '{table.Headers[item]}': empty item id.");
            if (who.Length == 0) throw ClassifierException.Input($"{path}: row {r + 1}, column '{table.Headers[annotator]}': empty annotator.");
            if (!items.TryGetValue(id, out var i)) { i = items.Count; items[id] = i; texts.Add(""); }
            if (text is { } t && texts[i].Length == 0) texts[i] = row[t];
            if (!coders.TryGetValue(who, out var c)) { c = coders.Count; coders[who] = c; }
            if (code.Length == 0) continue;
            if (codes.TryGetValue((i, c), out var earlier) && earlier.Label != code)
                throw ClassifierException.Input($"{path}: row {r + 1}, column '{table.Headers[label]}': annotator '{who}' coded item '{id}' as '{code}' here and as '{earlier.Label}' in row {earlier.Row}.");
            codes[(i, c)] = (code, r + 1);
            labels.Add(code);
        }
        var labelList = labels.ToArray();
        var index = labelList.Select((l, x) => (l, x)).ToDictionary(x => x.l, x => x.x, StringComparer.Ordinal);
        var ratings = new int[items.Count, coders.Count];
        for (var i = 0; i < items.Count; i++)
        {
            for (var c = 0; c < coders.Count; c++) ratings[i, c] = AgreementStatistics.Missing;
        }
        foreach (var ((i, c), (code, _)) in codes) ratings[i, c] = index[code];
        return new CodingTable(path, [.. items.Keys], text is null ? null : texts, [.. coders.Keys], labelList, ratings).Checked();
    }

    /// <summary>This table with one more coder whose codes are <paramref name="codes"/> (labels the humans never used are added).</summary>
    public CodingTable WithCoder(string name, IReadOnlyList<string> codes)
    {
        if (Coders.Contains(name, StringComparer.OrdinalIgnoreCase)) name += "_2";
        var labels = Labels.Concat(codes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var items = ItemIds.Count;
        var ratings = new int[items, Coders.Count + 1];
        for (var i = 0; i < items; i++)
        {
            for (var c = 0; c < Coders.Count; c++) ratings[i, c] = Ratings[i, c] < 0 ? AgreementStatistics.Missing : index[Labels[Ratings[i, c]]];
            ratings[i, Coders.Count] = index[codes[i]];
        }
        return this with { Coders = [.. Coders, name], Labels = labels, Ratings = ratings };
    }

    private CodingTable Checked()
    {
        if (Coders.Count < 2) throw ClassifierException.Input($"{Path}: found {Coders.Count} annotator(s); agreement needs two or more.");
        var pairable = Enumerable.Range(0, ItemIds.Count).Count(i => Enumerable.Range(0, Coders.Count).Count(c => Ratings[i, c] >= 0) >= 2);
        if (pairable == 0) throw ClassifierException.Input($"{Path}: no item was coded by two or more annotators, so there is no agreement to measure.");
        return this;
    }
}
