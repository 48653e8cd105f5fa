
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
        return Data.StrictCsv.Read(path, (reader, headers) =>
        {
            var rows = new List<string[]>();
            while (reader.Read())
            {
                var fields = new string[headers.Count];
                for (var i = 0; i < fields.Length; i++) fields[i] = reader.GetString(i);
                rows.Add(fields);
            }
            return new CsvTable(path, headers.ToArray(), rows);
        });
    }

    /// <summary>The index of a column (case-insensitive, trimmed), or a one-line error listing the columns found.</summary>
    public int Column(string name, string role) => Data.StrictCsv.Column(Path, Headers, name, role);

    /// <summary>The index of a column, or null when there is none.</summary>
    public int? IndexOf(string name) => Data.StrictCsv.IndexOf(Headers, name);
}
