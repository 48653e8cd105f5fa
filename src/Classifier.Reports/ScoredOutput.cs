using Classifier.Core;
using System.Globalization;
using System.Text.Json;
using Classifier.Core.Data;
using CsvHelper;

namespace Classifier.Reports;

/// <summary>
/// Builds a <see cref="ScoringReport"/> from a scored output file (CSV or JSON lines) by its
/// p_&lt;label&gt; columns and, optionally, a date column copied from the input. Reading the written
/// file, rather than hooking the scorer, keeps the report independent of how scoring streams.
/// </summary>
internal static class ScoredOutput
{
    public static ScoringReport Read(string path, IReadOnlyList<string> labels, string? dateColumn, bool jsonLines)
    {
        var report = new ScoringReport(labels);
        var probabilityColumns = labels.Select(l => $"p_{l}").ToArray();
        try
        {
            if (jsonLines) ReadJsonLines(path, probabilityColumns, dateColumn, report);
            else ReadCsv(path, probabilityColumns, dateColumn, report);
        }
        catch (CsvFormatException e)
        {
            throw ClassifierException.Input($"{path}: malformed CSV: {ClassifierException.FirstLine(e.Message)}", e);
        }
        catch (JsonException e)
        {
            throw ClassifierException.Input($"{path}: malformed JSON line: {ClassifierException.FirstLine(e.Message)}", e);
        }
        return report;
    }

    /// <summary>Fails before scoring when the input CSV has no column <paramref name="column"/>.</summary>
    public static void RequireColumn(string inputPath, string column, string option)
    {
        if (!File.Exists(inputPath)) return; // the scoring job reports a missing input itself
        using var reader = CsvReader.FromFile(inputPath, new CsvReaderOptions());
        if (IndexOf(reader.Headers, column) is null)
            throw ClassifierException.Arguments($"{inputPath}: {option} '{column}' is not a column (columns found: {string.Join(", ", reader.Headers.Select(h => $"'{h}'"))}).");
    }

    private static void ReadCsv(string path, string[] probabilityColumns, string? dateColumn, ScoringReport report)
    {
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions { TrackLineNumbers = true });
        var headers = reader.Headers;
        var indexes = probabilityColumns.Select(c => IndexOf(headers, c)
            ?? throw ClassifierException.Input($"{path}: no probability column '{c}'; the report needs one row per scored text (not --aggregate).")).ToArray();
        int? dateIndex = dateColumn is null ? null : IndexOf(headers, dateColumn)
            ?? throw ClassifierException.Input($"{path}: no date column '{dateColumn}' (columns found: {string.Join(", ", headers.Select(h => $"'{h}'"))}).");
        var probabilities = new float[indexes.Length];
        while (reader.Read())
        {
            // Rows skipped as empty have no probabilities: they are not in the report.
            if (!TryProbabilities(i => reader.GetString(indexes[i]), probabilities)) continue;
            report.Add(probabilities, dateIndex is { } d ? reader.GetString(d) : null);
        }
    }

    private static void ReadJsonLines(string path, string[] probabilityColumns, string? dateColumn, ScoringReport report)
    {
        var probabilities = new float[probabilityColumns.Length];
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var ok = true;
            for (var i = 0; i < probabilityColumns.Length && ok; i++)
            {
                ok = root.TryGetProperty(probabilityColumns[i], out var p) && p.ValueKind == JsonValueKind.Number;
                if (ok) probabilities[i] = p.GetSingle();
            }
            if (!ok) continue;
            string? date = null;
            if (dateColumn is not null)
                date = root.TryGetProperty(dateColumn, out var d) && d.ValueKind != JsonValueKind.Null ? d.ToString() : "";
            report.Add(probabilities, date);
        }
    }

    private static bool TryProbabilities(Func<int, string> cell, float[] into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            if (!float.TryParse(cell(i), NumberStyles.Float, CultureInfo.InvariantCulture, out into[i])) return false;
        }
        return true;
    }

    private static int? IndexOf(IReadOnlyList<string> headers, string name)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return null;
    }
}
