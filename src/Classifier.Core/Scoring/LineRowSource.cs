namespace Classifier.Core.Scoring;

/// <summary>Each line of a text stream is one text (for pipes): a single column named <c>text</c>.</summary>
internal sealed class LineRowSource(string name, TextReader reader, bool leaveOpen = true) : IRowSource
{
    private long number;
    private long position;

    public string Name { get; } = name;

    public IReadOnlyList<string> Columns { get; } = ["text"];

    public int TextIndex => 0;

    public long Position => position;

    public long? Length => null;

    public SourceRow? Next()
    {
        var line = reader.ReadLine();
        if (line is null) return null;
        // A byte-order mark the reader did not strip (a UTF-8 BOM piped in) is not part of the first text.
        if (number == 0 && line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
        position += line.Length + 1;
        number++;
        return new SourceRow(number, number, [line], number - 1);
    }

    public void Dispose()
    {
        if (!leaveOpen) reader.Dispose();
    }
}
