
namespace Classifier.Core.Data;

/// <summary>What <see cref="LabeledCsv.Read"/> found in a labeled file.</summary>
/// <param name="Path">The file that was read, as given.</param>
/// <param name="Rows">The rows kept, in file order.</param>
/// <param name="SkippedEmptyText">Rows skipped because their text cell was empty.</param>
/// <param name="SkippedEmptyLabel">Rows skipped because their label cell was empty.</param>
/// <param name="Groups">One group value per kept row when a group column was asked for and found; otherwise null.</param>
public sealed record LabeledData(
    string Path,
    IReadOnlyList<LabeledExample> Rows,
    int SkippedEmptyText,
    int SkippedEmptyLabel,
    IReadOnlyList<string>? Groups = null)
{
    /// <summary>The group column's name when one was read (<see cref="Groups"/> then holds one value per row).</summary>
    public string? GroupColumn { get; init; }

    /// <summary>All rows skipped, for either reason.</summary>
    public int Skipped => SkippedEmptyText + SkippedEmptyLabel;

    /// <summary>The distinct labels, ordinal-sorted so that key order never depends on row order.</summary>
    public IReadOnlyList<string> Labels { get; } =
        Rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Reads a labeled CSV (any label set) strictly: malformed CSV stops with the file and line,
/// rows with an empty text or label are skipped and counted.
/// </summary>
public static class LabeledCsv
{
    /// <summary>Reads every row of a labeled CSV with a header; throws <see cref="ClassifierException"/> (BadInput, naming the file and line) on malformed CSV or missing columns.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="textColumn">The header name of the text column.</param>
    /// <param name="labelColumn">The header name of the label column; any label names are accepted.</param>
    /// <param name="groupColumn">
    /// Also read this column (for example <c>register</c>) into <see cref="LabeledData.Groups"/>, when the
    /// file has it; a file without it reads as if none was asked for.
    /// </param>
    public static LabeledData Read(string path, string textColumn = "text", string labelColumn = "label", string? groupColumn = null)
    {
        if (string.IsNullOrWhiteSpace(path)) throw ClassifierException.Arguments("No data file given.");
        var rows = new List<LabeledExample>();
        List<string>? groups = null;
        int emptyText = 0, emptyLabel = 0;
        StrictCsv.Read(path, (reader, headers) =>
        {
            var textIndex = StrictCsv.Column(path, headers, textColumn, "text");
            var labelIndex = StrictCsv.Column(path, headers, labelColumn, "label");
            var groupIndex = groupColumn is null ? null : StrictCsv.IndexOf(headers, groupColumn);
            if (groupIndex is not null) groups = [];

            while (reader.Read())
            {
                var text = reader.GetString(textIndex);
                var label = reader.GetString(labelIndex).Trim();
                if (string.IsNullOrWhiteSpace(text)) { emptyText++; continue; }
                if (label.Length == 0) { emptyLabel++; continue; }
                rows.Add(new LabeledExample(text, label));
                groups?.Add(reader.GetString(groupIndex!.Value).Trim());
            }
            return rows.Count;
        });

        if (rows.Count == 0)
        {
            var why = emptyText + emptyLabel == 0 ? "it has a header but no rows" : $"all {emptyText + emptyLabel} rows have an empty text or label";
            throw ClassifierException.Input($"{path}: no usable rows: {why}.");
        }

        return new LabeledData(path, rows, emptyText, emptyLabel, groups) { GroupColumn = groups is null ? null : groupColumn };
    }
}
