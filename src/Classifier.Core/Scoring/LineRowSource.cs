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
        position += line.Length + 1;
        number++;
        return new SourceRow(number, number, [line]);
    }

    public void Dispose()
    {
        if (!leaveOpen) reader.Dispose();
    }
}
