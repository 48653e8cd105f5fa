namespace Classifier.Core.Scoring;

/// <summary>One input record: its fields, 1-based row number (header not counted) and the line it starts on.</summary>
internal sealed record SourceRow(long Number, long Line, string[] Fields);

/// <summary>A record that could not be read: where it is, its raw text and why.</summary>
internal sealed record RowProblem(long Line, string Raw, string Reason);

/// <summary>A stream of input rows with a header, read one at a time (never the whole input).</summary>
internal interface IRowSource : IDisposable
{
    /// <summary>Name of the input, for messages.</summary>
    string Name { get; }

    IReadOnlyList<string> Columns { get; }

    int TextIndex { get; }

    /// <summary>Bytes consumed so far and the total when known, for progress.</summary>
    long Position { get; }

    long? Length { get; }

    SourceRow? Next();
}
