using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;

namespace Classifier.Core.Scoring;

/// <summary>Writes records cell by cell, so the same scoring code can write CSV or JSON lines.</summary>
internal interface IRecordWriter : IDisposable
{
    void Header(IReadOnlyList<string> names);

    /// <summary>Takes the column names without writing anything: for a writer that continues an output whose header is written.</summary>
    void UseColumns(IReadOnlyList<string> names);

    void Text(string value);

    void Number(float value);

    void Integer(long value);

    /// <summary>No value (an empty CSV cell, a JSON null).</summary>
    void Empty();

    void EndRecord();

    void Flush();
}

internal static class RecordWriters
{
    public static IRecordWriter Create(OutputFormat format, Stream output, bool excelSafe) => format switch
    {
        OutputFormat.Jsonl => new JsonlOutputWriter(output),
        _ => new CsvOutputWriter(output, excelSafe),
    };
}

/// <summary>RFC 4180 CSV with LF line ends; with excel-safe, formula-like text cells get a leading apostrophe.</summary>
internal sealed class CsvOutputWriter(Stream output, bool excelSafe) : IRecordWriter
{
    private readonly CsvWriter writer = CsvWriter.Create(output, new CsvWriterOptions
    {
        NewLine = "\n",
        Injection = excelSafe ? CsvInjection.Escape : CsvInjection.None,
    }, leaveOpen: true);

    public void Header(IReadOnlyList<string> names)
    {
        foreach (var name in names) writer.WriteField(name);
        writer.EndRecord();
    }

    public void UseColumns(IReadOnlyList<string> names)
    {
    }

    public void Text(string value) => writer.WriteField(value);

    public void Number(float value) => writer.WriteField(value, "0.######");

    public void Integer(long value) => writer.WriteField(value, default);

    public void Empty() => writer.WriteField(ReadOnlySpan<char>.Empty);

    public void EndRecord() => writer.EndRecord();

    public void Flush() => writer.Flush();

    public void Dispose() => writer.Dispose();
}

/// <summary>One JSON object per line, keyed by the header names; numbers stay numbers.</summary>
internal sealed class JsonlOutputWriter : IRecordWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Stream output;
    private readonly BufferedStream buffer;
    private readonly Utf8JsonWriter json;
    private JsonEncodedText[] names = [];
    private int cell;

    public JsonlOutputWriter(Stream output)
    {
        this.output = output;
        buffer = new BufferedStream(output, 1 << 16);
        // Relaxed escaping keeps non-ASCII text readable; JSON stays valid.
        json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    public void Header(IReadOnlyList<string> names) => UseColumns(names);

    public void UseColumns(IReadOnlyList<string> names) => this.names = [.. names.Select(n => JsonEncodedText.Encode(n))];

    public void Text(string value) => Start().WriteStringValue(value);

    public void Number(float value) => Start().WriteNumberValue(MathF.Round(value, 6));

    public void Integer(long value) => Start().WriteNumberValue(value);

    public void Empty() => Start().WriteNullValue();

    public void EndRecord()
    {
        json.WriteEndObject();
        json.Flush();
        json.Reset();
        buffer.Write(NewLine);
        cell = 0;
    }

    public void Flush()
    {
        json.Flush();
        buffer.Flush();
        output.Flush();
    }

    public void Dispose()
    {
        Flush();
        json.Dispose();
        // The BufferedStream is flushed, not disposed: disposing it would close the caller's stream.
    }

    private Utf8JsonWriter Start()
    {
        if (cell == 0) json.WriteStartObject();
        json.WritePropertyName(cell < names.Length ? names[cell] : JsonEncodedText.Encode($"column{cell + 1}"));
        cell++;
        return json;
    }
}
