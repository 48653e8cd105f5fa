using CsvHelper;

namespace Classifier.Core.Scoring;

/// <summary>
/// Streams the records of a CSV file or stream with CsvHelper. Malformed records (bad quoting, wrong
/// field count) are passed to <c>onProblem</c> and skipped, or, when strict, stop the run with the
/// line number.
/// </summary>
internal sealed class CsvRowSource : IRowSource
{
    private readonly CsvReader reader;
    private readonly Stream? stream;

    private CsvRowSource(string name, CsvReader reader, Stream? stream, long? length, string textColumn)
    {
        Name = name;
        this.reader = reader;
        this.stream = stream;
        Length = length;
        try
        {
            Columns = [.. reader.Headers];
        }
        catch (CsvFormatException e)
        {
            throw ClassifierException.Input($"{name}: line 1: malformed header: {ClassifierException.FirstLine(e.Message)}", e);
        }
        if (Columns.Count == 0) throw ClassifierException.Input($"{name}: the file is empty (no header row).");
        if (Columns.Any(c => c.Contains('\0'))) throw ClassifierException.Input(Utf16Message(name));
        TextIndex = FindColumn(Columns, textColumn)
            ?? throw ClassifierException.Input($"{name}: no text column '{textColumn}' (columns found: {string.Join(", ", Columns.Select(c => $"'{c}'"))}).");
    }

    public string Name { get; }

    public IReadOnlyList<string> Columns { get; }

    public int TextIndex { get; }

    public long Position => reader.ByteOffset;

    public long? Length { get; }

    public static CsvRowSource Open(string path, string textColumn, bool strict, Action<RowProblem> onProblem)
    {
        if (Directory.Exists(path)) throw ClassifierException.Input($"{path}: is a folder, not a CSV file.");
        if (!File.Exists(path)) throw ClassifierException.Input($"{path}: file not found.");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ClassifierException.Input($"{path}: cannot read the file: {ClassifierException.FirstLine(e.Message)}", e);
        }
        // A FIFO, a pipe or /dev/stdin cannot seek: stream it with no known length.
        return Open(path, file, file.CanSeek ? file.Length : null, textColumn, strict, onProblem);
    }

    /// <summary>Reads CSV from <paramref name="input"/>, which the source disposes.</summary>
    public static CsvRowSource Open(string name, Stream input, long? length, string textColumn, bool strict, Action<RowProblem> onProblem)
    {
        var handling = strict ? CsvMalformedDataHandling.Throw : CsvMalformedDataHandling.Skip;
        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrackLineNumbers = true,
            MalformedData = handling,
            FieldCountMismatch = strict ? CsvFieldCountHandling.Throw : CsvFieldCountHandling.Skip,
            OnMalformedRecord = strict ? null : r => onProblem(new RowProblem(r.LineNumber, r.RawRecord, Describe(r.Reason))),
        };
        try
        {
            return new CsvRowSource(name, CsvReader.Create(input, options, leaveOpen: false), input, length, textColumn);
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    public SourceRow? Next() => NextFrom(0);

    /// <summary>
    /// The next record whose first byte is at or after <paramref name="offset"/>; the records before it
    /// are parsed (so quoting stays right) but their fields are not copied out.
    /// </summary>
    public SourceRow? NextFrom(long offset)
    {
        try
        {
            do
            {
                if (!reader.Read()) return null;
            }
            while (reader.ByteOffset < offset);
            var fields = new string[Columns.Count];
            var n = Math.Min(reader.FieldCount, fields.Length);
            for (var i = 0; i < n; i++) fields[i] = reader.GetString(i);
            for (var i = n; i < fields.Length; i++) fields[i] = "";
            // After Read, the reader's byte offset is the record's first byte: what the shards split by.
            return new SourceRow(reader.RowNumber, reader.LineNumber, fields, reader.ByteOffset);
        }
        catch (CsvFormatException e)
        {
            var line = e.LineNumber > 0 ? $"line {e.LineNumber}: " : "";
            throw ClassifierException.Input($"{Name}: {line}malformed row (--strict): {ClassifierException.FirstLine(e.Message)}", e);
        }
        catch (IOException e)
        {
            throw ClassifierException.Input($"{Name}: cannot read the file: {ClassifierException.FirstLine(e.Message)}", e);
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        stream?.Dispose();
    }

    /// <summary>The error for a header with NUL bytes: UTF-16 text read as UTF-8.</summary>
    public static string Utf16Message(string name) =>
        $"{name}: line 1: the header holds NUL bytes, so the file looks like UTF-16 without a byte-order mark; save it as UTF-8.";

    internal static int? FindColumn(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.Ordinal)) return i;
        }
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
        }
        return null;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed",
        CsvMalformedReason.LineBreakInQuotes => "a line break inside quotes",
        CsvMalformedReason.FieldCountMismatch => "wrong number of fields",
        _ => reason.ToString(),
    };
}
