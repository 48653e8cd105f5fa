using CsvHelper;

namespace Classifier.Core.Trust;

/// <summary>A whole CSV held in memory with its header, so a listing can repeat the input's columns in their order.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Headers">The header row, as written.</param>
/// <param name="Rows">Every data row's fields; row i is data row i + 1 of the file.</param>
internal sealed record CsvTable(string Path, IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows)
{
    /// <summary>Reads the file strictly: a malformed row stops with the file and line.</summary>
    public static CsvTable Read(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw ClassifierException.Arguments("No input file given.");
        if (Directory.Exists(path)) throw ClassifierException.Input($"{path}: is a folder, not a CSV file.");
        if (!File.Exists(path)) throw ClassifierException.Input($"{path}: file not found.");
        var rows = new List<string[]>();
        try
        {
            using var reader = CsvReader.FromFile(path, new CsvReaderOptions
            {
                Separator = ',',
                TrackLineNumbers = true,
                MalformedData = CsvMalformedDataHandling.Throw,
                FieldCountMismatch = CsvFieldCountHandling.Throw,
            });
            var headers = reader.Headers.ToArray();
            if (headers.Length == 0) throw ClassifierException.Input($"{path}: the file is empty (no header row).");
            while (reader.Read())
            {
                var fields = new string[headers.Length];
                for (var i = 0; i < fields.Length; i++) fields[i] = reader.GetString(i);
                rows.Add(fields);
            }
            return new CsvTable(path, headers, rows);
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

    /// <summary>The index of a column (case-insensitive, trimmed), or a one-line error listing the columns found.</summary>
    public int Column(string name, string role)
    {
        if (IndexOf(name) is { } index) return index;
        throw ClassifierException.Input($"{Path}: no {role} column '{name}' (columns found: {string.Join(", ", Headers.Select(h => $"'{h}'"))}).");
    }

    /// <summary>The index of a column, or null when there is none.</summary>
    public int? IndexOf(string name)
    {
        for (var i = 0; i < Headers.Count; i++)
        {
            if (string.Equals(Headers[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return null;
    }
}
