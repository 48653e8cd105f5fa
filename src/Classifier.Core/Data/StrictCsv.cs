using CsvHelper;

namespace Classifier.Core.Data;

/// <summary>
/// Opens a CSV with a header strictly (a malformed row or a wrong field count stops the read) and
/// turns every failure into one line naming the file: how the labeled-file, suggestion, drift and
/// table readers open their inputs, so they refuse the same things with the same words.
/// </summary>
internal static class StrictCsv
{
    /// <summary>Checks <paramref name="path"/>, opens it and hands the reader and its header to <paramref name="read"/>.</summary>
    internal static T Read<T>(string path, Func<CsvReader, IReadOnlyList<string>, T> read)
    {
        if (Directory.Exists(path)) throw ClassifierException.Input($"{path}: is a folder, not a CSV file.");
        if (!File.Exists(path)) throw ClassifierException.Input($"{path}: file not found.");
        try
        {
            using var reader = CsvReader.FromFile(path, new CsvReaderOptions
            {
                Separator = ',',
                TrackLineNumbers = true,
                MalformedData = CsvMalformedDataHandling.Throw,
                FieldCountMismatch = CsvFieldCountHandling.Throw,
            });
            var headers = reader.Headers;
            if (headers.Count == 0) throw ClassifierException.Input($"{path}: the file is empty (no header row).");
            if (headers.Any(h => h.Contains('\0'))) throw ClassifierException.Input(Scoring.CsvRowSource.Utf16Message(path));
            return read(reader, headers);
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
    }

    /// <summary>The index of a column (case-insensitive, trimmed), or null when there is none.</summary>
    internal static int? IndexOf(IReadOnlyList<string> headers, string name)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return null;
    }

    /// <summary>The index of a column, or a one-line error naming the file and listing the columns found.</summary>
    internal static int Column(string path, IReadOnlyList<string> headers, string name, string role) =>
        IndexOf(headers, name)
        ?? throw ClassifierException.Input($"{path}: no {role} column '{name}' (columns found: {string.Join(", ", headers.Select(h => $"'{h}'"))}).");
}
