using CsvHelper;

namespace Classifier.Core.Data;

/// <summary>What <see cref="LabeledCsv.Read"/> found in a labeled file.</summary>
public sealed record LabeledData(
    string Path,
    IReadOnlyList<LabeledExample> Rows,
    int SkippedEmptyText,
    int SkippedEmptyLabel)
{
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
    public static LabeledData Read(string path, string textColumn = "text", string labelColumn = "label")
    {
        if (string.IsNullOrWhiteSpace(path)) throw ClassifierException.Arguments("No data file given.");
        if (Directory.Exists(path)) throw ClassifierException.Input($"{path}: is a folder, not a CSV file.");
        if (!File.Exists(path)) throw ClassifierException.Input($"{path}: file not found.");

        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
        };

        var rows = new List<LabeledExample>();
        int emptyText = 0, emptyLabel = 0;
        try
        {
            using var reader = CsvReader.FromFile(path, options);
            var headers = reader.Headers;
            if (headers.Count == 0) throw ClassifierException.Input($"{path}: the file is empty (no header row).");
            if (headers.Any(h => h.Contains('\0'))) throw ClassifierException.Input(Scoring.CsvRowSource.Utf16Message(path));

            var textIndex = ColumnIndex(path, headers, textColumn, "text");
            var labelIndex = ColumnIndex(path, headers, labelColumn, "label");

            while (reader.Read())
            {
                var text = reader.GetString(textIndex);
                var label = reader.GetString(labelIndex).Trim();
                if (string.IsNullOrWhiteSpace(text)) { emptyText++; continue; }
                if (label.Length == 0) { emptyLabel++; continue; }
                rows.Add(new LabeledExample(text, label));
            }
        }
        catch (CsvFormatException e)
        {
            throw ClassifierException.Input($"{path}: malformed CSV: {ClassifierException.FirstLine(e.Message)}", e);
        }
        catch (IOException e)
        {
            throw ClassifierException.Input($"{path}: cannot read the file: {ClassifierException.FirstLine(e.Message)}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw ClassifierException.Input($"{path}: cannot read the file: permission denied.", e);
        }

        if (rows.Count == 0)
        {
            var why = emptyText + emptyLabel == 0 ? "it has a header but no rows" : $"all {emptyText + emptyLabel} rows have an empty text or label";
            throw ClassifierException.Input($"{path}: no usable rows: {why}.");
        }

        return new LabeledData(path, rows, emptyText, emptyLabel);
    }

    private static int ColumnIndex(string path, IReadOnlyList<string> headers, string name, string role)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        var found = string.Join(", ", headers.Select(h => $"'{h}'"));
        throw ClassifierException.Input($"{path}: no {role} column '{name}' (columns found: {found}).");
    }
}
